package io.vivarium.store.file;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.Lease;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.store.Finish;
import io.vivarium.support.CliRun;
import io.vivarium.task.GrindResult;
import io.vivarium.task.QueueLimits;
import io.vivarium.task.Rate;
import io.vivarium.task.StartRule;
import io.vivarium.task.TaskStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A queue's rate counts starts, not the tasks that are left: a start stays counted for its whole period when the
 * task is retried (its entry then names only the last attempt's start), when it is pruned, and in a process that
 * reads the workspace afresh from its files.
 */
class QueueRateMemoryTest {

    @TempDir
    Path workspace;

    @Test
    void theStartsOfEveryAttemptOfARetriedTaskStayCountedInAProcessThatReadsTheFiles() {
        CliRun.in(workspace, "add", "flaky", "grind", "--command", "exit 1", "--queue", "api", "--max-attempts", "3");
        CliRun.in(workspace, "queue", "set", "api", "--rate", "3/min");
        CliRun batch = CliRun.in(workspace, "start", "1", "--backoff", "0");
        assertThat(batch.out()).contains("attempts 3/3");
        CliRun.in(workspace, "add", "next", "grind", "--command", "true", "--queue", "api");

        CliRun dryRun = CliRun.in(workspace, "start", "1", "--dry-run");
        assertThat(dryRun.out()).as("three starts within the minute: a fourth waits")
                .containsPattern("Would run now, in this order \\(1 worker\\):\n  nothing\n")
                .containsPattern("next +queue 'api' started 3 within 1m");
    }

    @Test
    void prunedTasksStartsStayCountedInThisProcessAndInAFreshOne() {
        Instant now = Instant.now();
        try (TaskStore store = open()) {
            store.add(List.of(aTask("a").queue("api").build(), aTask("b").queue("api").build(),
                    aTask("c").queue("api").build()));
            store.changeFlow(f -> f.withQueue("api", QueueLimits.NONE.withRate(Rate.parse("3/min"))));
            WorkerIdentity worker = WorkerIdentity.create();
            List<Lease> ran = store.commit(worker, List.of(), 3).claimed();
            assertThat(ran).hasSize(3);
            store.commit(worker, ran.stream().map(l -> Finish.done(l, GrindResult.success(0.01, "ok", 0, "")))
                    .toList(), 0);
            assertThat(store.prune(EnumSet.of(TaskStatus.COMPLETED), now.plusSeconds(60))).hasSize(3);
            store.add(List.of(aTask("d").queue("api").build()));

            assertThat(store.flow().check("api", Instant.now()).reason()).as("this process, after its prune")
                    .isEqualTo(StartRule.Reason.QUEUE_LIMIT);
            assertThat(store.commit(worker, List.of(), 1).claimed()).isEmpty();
        }
        try (TaskStore fresh = open()) {
            assertThat(fresh.flow().check("api", Instant.now()).reason()).as("a process that reads the files")
                    .isEqualTo(StartRule.Reason.QUEUE_LIMIT);
            assertThat(fresh.commit(WorkerIdentity.create(), List.of(), 1).claimed()).isEmpty();
        }
    }

    @Test
    void theStartsKeptInTheLogLeaveItsSummaryAndLedgerWhereStatusReadsThemFromTheEnd() {
        CliRun.in(workspace, "add", "flaky", "grind", "--command", "exit 1", "--queue", "api", "--max-attempts", "3");
        CliRun.in(workspace, "queue", "set", "api", "--rate", "100/min");
        for (int i = 0; i < 40; i++) {
            CliRun.in(workspace, "add", "t" + i, "grind", "--command", "true", "--queue", "api");
        }
        CliRun.in(workspace, "start", "4", "--backoff", "0");
        Path log = workspace.resolve("execution_log.json");
        assertThat(QueueStarts.read(new ExecutionLogReader().fields(log))).as("the starts are kept")
                .containsKey("api");
        assertThat(LogTail.summary(log)).as("status's summary from the log's last KB").isPresent();
        assertThat(LogTail.spend(log)).as("and its ledger").isPresent();
    }

    /** The log's top-level fields as the file holds them. */
    private static final class ExecutionLogReader {
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> fields(Path log) {
            try {
                return io.vivarium.store.WorkspaceJson.mapper().readValue(java.nio.file.Files.readString(log),
                        java.util.Map.class);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private TaskStore open() {
        return TaskStores.open(StoreLocation.of(workspace, ""), Clock.systemUTC(), StoreSettings.defaults());
    }
}
