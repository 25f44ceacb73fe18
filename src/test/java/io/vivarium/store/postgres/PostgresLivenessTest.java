package io.vivarium.store.postgres;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.store.Lease;
import io.vivarium.store.StaleClaim;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.Takeover;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.support.JavaProcess;
import io.vivarium.support.PostgresDatabase;
import io.vivarium.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Owner liveness through the session's advisory lock, and wake-ups through LISTEN/NOTIFY, on a real PostgreSQL. */
class PostgresLivenessTest {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase();

    @TempDir
    Path workspace;

    private final List<TaskStore> opened = new ArrayList<>();
    private TaskStore store;

    @BeforeEach
    void emptyQueue() {
        store = open();
        db.execute("TRUNCATE vivarium_task");
    }

    @AfterEach
    void closeStores() {
        opened.forEach(TaskStore::close);
    }

    private TaskStore open() {
        TaskStore opened = TaskStores.open(db.location(workspace), Clock.systemUTC(), StoreSettings.defaults());
        this.opened.add(opened);
        return opened;
    }

    @Test
    void theClaimsOfAKilledProcessAreKnownOrphanedAtOnceLongBeforeTheirLease() throws Exception {
        store.add(List.of(aTask("a").build(), aTask("b").build(), aTask("c").build()));
        Path log = workspace.resolve("holder.log");
        Process holder = JavaProcess.start(log, ClaimHolder.class, db.url(), "2");
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(log)
                    && Files.readString(log).contains(ClaimHolder.CLAIMED));
            assertThat(store.findStaleClaims()).isEmpty();

            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            long killed = System.nanoTime();
            List<StaleClaim> stale = new ArrayList<>();
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                    .until(() -> stale.addAll(store.findStaleClaims()));
            Duration noticed = Duration.ofNanos(System.nanoTime() - killed);

            assertThat(stale).extracting(StaleClaim::taskId).containsExactly("a", "b");
            assertThat(stale).extracting(StaleClaim::reason).containsOnly(Takeover.Reason.OWNER_DIED);
            assertThat(noticed).isLessThan(Duration.ofSeconds(1));
            assertThat(store.abandon(stale)).hasSize(2);
            assertThat(store.find("a").orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void aWaitingStoreWakesWithinMillisecondsOfAnotherInstancesWrite() throws Exception {
        TaskStore other = open();
        store.awaitChange(store.version(), Duration.ofMillis(1)); // the session is up before timing starts
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long seen = store.version();
            CompletableFuture<Long> woken = CompletableFuture.supplyAsync(() -> {
                try {
                    store.awaitChange(seen, Duration.ofSeconds(10));
                    return System.nanoTime();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(20);
            long wrote = System.nanoTime();
            other.add(List.of(aTask("t" + i).build()));
            latencies.add(TimeUnit.NANOSECONDS.toMillis(woken.get(10, TimeUnit.SECONDS) - wrote));
        }
        Collections.sort(latencies);

        // Polling would take up to a second; a notification takes a few milliseconds.
        assertThat(latencies.get(latencies.size() / 2)).isLessThan(100);
        assertThat(latencies.get(latencies.size() - 1)).isLessThan(500);
    }

    @Test
    void aWorkerWakesForATaskFreedByATakeoverElsewhere() throws Exception {
        TaskStore reaper = open();
        TaskStore owner = open();
        owner.add(List.of(aTask("a").build()));
        owner.commit(WorkerIdentity.create(), List.of(), 1);
        long seen = store.version();
        owner.close();

        List<StaleClaim> stale = reaper.findStaleClaims();
        long freed = reaper.abandon(stale).isEmpty() ? 0 : System.nanoTime();
        long woke = store.awaitChange(seen, Duration.ofSeconds(5));

        assertThat(freed).isPositive();
        assertThat(woke).isNotEqualTo(seen);
        assertThat(store.commit(WorkerIdentity.create(), List.of(), 1).claimed())
                .extracting(Lease::taskId).containsExactly("a");
    }

    @Test
    void aStoreWhoseSessionIsCutReconnectsKeepsItsClaimsAndHearsChangesAgain() throws Exception {
        TaskStore other = open();
        store.add(List.of(aTask("a").build()));
        Lease lease = store.commit(WorkerIdentity.create(), List.of(), 1).claimed().get(0);

        // What a network cut or a database restart does to the store's connections.
        db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND pid <> pg_backend_pid() AND usename = 'vivarium'");

        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> other.findStaleClaims().isEmpty() && store.renew(List.of(lease)).isEmpty());
        long seen = store.version();
        CompletableFuture<Long> woken = CompletableFuture.supplyAsync(() -> {
            try {
                return store.awaitChange(seen, Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        other.add(List.of(aTask("b").build()));

        assertThat(woken.get(10, TimeUnit.SECONDS)).isNotEqualTo(seen);
        assertThat(store.find("a").orElseThrow().status()).isEqualTo(TaskStatus.IN_PROGRESS);
    }
}
