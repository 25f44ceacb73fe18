package io.vivarium.store.postgres;

import io.vivarium.store.StoreException;
import java.util.Arrays;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;

/**
 * The store's tables, created and upgraded by Flyway migrations on first use. A database whose schema was written
 * by a newer Vivarium is refused before anything touches it: this version would misread what it does not know.
 */
final class Schema {

    static final String LOCATION = "classpath:db/migration/postgresql";
    /** Not Flyway's default name: the database may hold an application's own migrations too. */
    static final String HISTORY_TABLE = "vivarium_schema_history";

    private Schema() {
    }

    static void migrate(Database database) {
        Flyway flyway = Flyway.configure(Schema.class.getClassLoader())
                .dataSource(database.dataSource())
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                // A database that already holds other tables gets ours beside them.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
        try {
            refuseNewer(flyway.info(), database.settings());
            flyway.migrate();
        } catch (FlywayException e) {
            if (e.getCause() != null && !(e.getCause() instanceof FlywayException)) {
                throw Failures.of(database.settings(), e);
            }
            throw new StoreException("cannot set up the schema of the PostgreSQL store " + database.settings() + ": "
                    + e.getMessage().strip().lines().findFirst().orElse(""), e);
        }
    }

    private static void refuseNewer(MigrationInfoService info, ConnectionSettings where) {
        MigrationInfo[] all = info.all();
        String newest = Arrays.stream(all)
                .filter(m -> m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED)
                .map(m -> m.getVersion().getVersion())
                .reduce((a, b) -> b)
                .orElse(null);
        if (newest != null) {
            String known = Arrays.stream(all)
                    .filter(m -> m.getState().isResolved())
                    .map(m -> m.getVersion().getVersion())
                    .reduce((a, b) -> b)
                    .orElse("none");
            throw new StoreException("the PostgreSQL store " + where + " has schema version " + newest
                    + ", written by a newer Vivarium (this one knows up to version " + known
                    + "): upgrade Vivarium to use it");
        }
    }
}
