package io.vivarium.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskEntry;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.store.StoreLocation;
import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import io.vivarium.support.PostgresDatabase;
import io.vivarium.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task added in one process with {@code --in 2s} is claimed by a pool in another process no earlier than its time
 * and within 100 ms after it: the pool wakes at the earliest run_at, it does not poll for it. On both stores.
 */
class ScheduledClaimProcessTest {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase();

    private static final Duration WITHIN = Duration.ofMillis(100);

    @TempDir
    Path workspace;

    @Test
    void onTheWorkspaceFiles() throws Exception {
        claimedOnTime(List.of());
    }

    @Test
    void onPostgresql() throws Exception {
        claimedOnTime(List.of("--store", db.url()));
    }

    private void claimedOnTime(List<String> store) throws Exception {
        cli(store, "add", "ready", "grind", "--command", "touch ready");
        // Keeps `start --wait` running after the task under test: it waits for every task that does not recur.
        cli(store, "add", "hold", "grind", "--in", "1d");
        CliProcess pool = CliProcess.start(workspace.resolve("pool.out"),
                args(store, "start", "2", "--wait", "--workspace", workspace.toString()));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(workspace.resolve("ready")));

            cli(store, "add", "soon", "grind", "--in", "2s");

            try (TaskStore reader = open(store)) {
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> reader.find("soon").orElseThrow().run().status() == TaskStatus.COMPLETED);
                TaskEntry soon = reader.find("soon").orElseThrow();
                Duration late = Duration.between(soon.task().runAt(), soon.run().startedAt());
                assertThat(late).as("claimed this long after its run_at").isBetween(Duration.ZERO, WITHIN);
                assertThat(reader.find("hold").orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
            }
        } finally {
            pool.signal("TERM");
            pool.waitFor(30);
        }
    }

    private void cli(List<String> store, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(store);
        CliRun run = CliRun.in(workspace, all.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    private static String[] args(List<String> store, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(store);
        return all.toArray(String[]::new);
    }

    private TaskStore open(List<String> store) {
        StoreLocation location = store.isEmpty() ? StoreLocation.files(workspace) : db.location(workspace);
        return TaskStores.open(location, Clock.systemUTC(), StoreSettings.defaults());
    }
}
