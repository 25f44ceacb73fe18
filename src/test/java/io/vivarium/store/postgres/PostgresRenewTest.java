package io.vivarium.store.postgres;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.Lease;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.support.MutableClock;
import io.vivarium.support.PostgresDatabase;
import io.vivarium.task.RetryPolicy;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker confirms each claim just before its grind starts: on a database that confirmation must not be a write
 * (a write waits for the disk, once per task), while a heartbeat due still moves.
 */
class PostgresRenewTest {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase();

    @TempDir
    Path workspace;

    @Test
    void aRenewWithinTheHeartbeatIntervalConfirmsTheClaimWithoutWritingIt() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-15T10:30:00Z"));
        StoreSettings settings = StoreSettings.withLease(Duration.ofSeconds(10), RetryPolicy.DEFAULT);
        try (TaskStore store = TaskStores.open(db.location(workspace), clock, settings)) {
            store.add(List.of(aTask("a").build()));
            Lease lease = store.commit(WorkerIdentity.create(), List.of(), 1).claimed().get(0);
            String claimed = rowVersion();

            clock.advance(settings.heartbeatInterval().minusMillis(1));
            assertThat(store.renew(List.of(lease))).isEmpty();
            assertThat(rowVersion()).isEqualTo(claimed);

            clock.advance(Duration.ofMillis(1));
            assertThat(store.renew(List.of(lease))).isEmpty();
            assertThat(rowVersion()).isNotEqualTo(claimed);
            assertThat(store.claims().get(0).heartbeatAt()).isEqualTo(clock.instant());
        }
    }

    /** The row version's transaction id: it changes with every write of the row. */
    private static String rowVersion() throws Exception {
        try (var c = db.superuser(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT xmin::text FROM vivarium_task WHERE id = 'a'")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
