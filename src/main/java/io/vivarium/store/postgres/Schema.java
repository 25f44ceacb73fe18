package io.vivarium.store.postgres;

import io.vivarium.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.OptionalInt;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;

/**
 * The store's tables, created and upgraded by Flyway migrations on first use. A database whose schema was written
 * by a newer Vivarium is refused before anything touches it: this version would misread what it does not know.
 * A schema that is already current is recognised with one query, so a CLI verb does not pay for Flyway each time.
 */
final class Schema {

    static final String LOCATION = "classpath:db/migration/postgresql";
    /** Not Flyway's default name: the database may hold an application's own migrations too. */
    static final String HISTORY_TABLE = "vivarium_schema_history";
    /** The highest migration under {@link #LOCATION} (a test keeps the two in step). */
    static final int CURRENT = 5;
    /** The advisory lock key under which schema set-ups take turns: any constant of our own will do. */
    private static final long SCHEMA_LOCK = 8_484_827_216_573_622_781L;

    private static final String APPLIED = """
            SELECT max(CASE WHEN version ~ '^[0-9]+$' THEN version::int END) AS newest, bool_and(success) AS ok
              FROM %s""".formatted(HISTORY_TABLE);

    private Schema() {
    }

    static void migrate(Database database) {
        OptionalInt applied = database.read(Schema::applied);
        if (applied.isPresent() && applied.getAsInt() > CURRENT) {
            throw newer(database.settings(), Integer.toString(applied.getAsInt()));
        }
        if (applied.isPresent() && applied.getAsInt() == CURRENT) {
            return;
        }
        // Processes opening a new database at once each started Flyway on the empty schema and raced to create its
        // history table ("unable to baseline ... already exists, and is empty"). One at a time, under a session lock
        // held on a connection of its own, each finds what the one before it did.
        database.read(c -> {
            try (Statement lock = c.createStatement()) {
                lock.execute("SELECT pg_advisory_lock(" + SCHEMA_LOCK + ")");
            }
            try {
                runFlyway(database);
            } finally {
                try (Statement unlock = c.createStatement()) {
                    unlock.execute("SELECT pg_advisory_unlock(" + SCHEMA_LOCK + ")");
                }
            }
            return null;
        });
    }

    private static void runFlyway(Database database) {
        Flyway flyway = Flyway.configure(Schema.class.getClassLoader())
                .dataSource(database.dataSource())
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                // A database that already holds other tables gets ours beside them.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
        try {
            Arrays.stream(flyway.info().all())
                    .filter(m -> m.getState() == MigrationState.FUTURE_SUCCESS
                            || m.getState() == MigrationState.FUTURE_FAILED)
                    .map(MigrationInfo::getVersion)
                    .reduce((a, b) -> b)
                    .ifPresent(newest -> {
                        throw newer(database.settings(), newest.getVersion());
                    });
            flyway.migrate();
        } catch (FlywayException e) {
            if (e.getCause() != null && !(e.getCause() instanceof FlywayException)) {
                throw Failures.of(database.settings(), e);
            }
            throw new StoreException("cannot set up the schema of the PostgreSQL store " + database.settings() + ": "
                    + e.getMessage().strip().lines().findFirst().orElse(""), e);
        }
    }

    /** The newest migration applied, if every one applied succeeded; empty when Flyway has work or questions. */
    private static OptionalInt applied(Connection c) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            exists.setString(1, HISTORY_TABLE);
            try (ResultSet rs = exists.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return OptionalInt.empty();
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(APPLIED); ResultSet rs = ps.executeQuery()) {
            rs.next();
            int newest = rs.getInt("newest");
            return rs.wasNull() || !rs.getBoolean("ok") ? OptionalInt.empty() : OptionalInt.of(newest);
        }
    }

    private static StoreException newer(ConnectionSettings where, String version) {
        return new StoreException("the PostgreSQL store " + where + " has schema version " + version
                + ", written by a newer Vivarium (this one knows up to version " + CURRENT
                + "): upgrade Vivarium to use it");
    }
}
