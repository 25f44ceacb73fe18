package io.vivarium.cli;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import io.vivarium.task.TaskStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --concurrency N} counts grinds, not entries: a running task the user cancels is cancelled at once, but its
 * grind runs until its pool notices and stops it. Until then its lease still names it, and the queue must count it.
 * Each grind holds a {@code flock -n} on one file; a second one running at the same moment cannot take it.
 */
class QueueConcurrencyWhileStoppingProcessTest {

    @TempDir
    Path workspace;

    @TempDir
    Path scratch;

    @Test
    void aCancelledTaskWhoseGrindStillRunsHoldsItsPlaceInTheQueue() throws Exception {
        Path probe = scratch.resolve("probe.lock");
        Path begun = scratch.resolve("begun");
        try (TaskStore store = open()) {
            store.add(List.of(
                    aTask("long").queue("tests").maxAttempts(1)
                            .command("flock -n " + probe + " -c 'touch " + begun + "; sleep 20' || { echo overlap; exit 1; }")
                            .build(),
                    aTask("next").queue("tests").maxAttempts(1)
                            .command("flock -n " + probe + " -c true || { echo overlap; exit 1; }").build()));
        }
        CliRun.in(workspace, "queue", "set", "tests", "--concurrency", "1");
        CliProcess pool = CliProcess.start(scratch.resolve("start.out"), "start", "2", "-w", workspace.toString());
        try (TaskStore store = open()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> java.nio.file.Files.exists(begun));
            CliRun cancel = CliRun.in(workspace, "cancel", "long");
            assertThat(cancel.exitCode()).as(cancel.err()).isZero();
            pool.waitFor(60);
            assertThat(store.find("next").orElseThrow().run()).as(pool.output())
                    .satisfies(run -> assertThat(run.status()).as("" + run.error() + " " + run.output())
                            .isEqualTo(TaskStatus.COMPLETED));
        }
    }

    private TaskStore open() {
        return TaskStores.open(StoreLocation.of(workspace, ""), Clock.systemUTC(), StoreSettings.defaults());
    }
}
