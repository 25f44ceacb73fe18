package io.vivarium.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.file.FileTaskStore;
import io.vivarium.task.Task;
import io.vivarium.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The campaigns' checkers catch what they claim to: planted defects are found. */
class CampaignCheckersTest {

    @TempDir
    Path dir;

    @Test
    void overlappingRunsAreFoundAndSequentialOnesAreNot() throws Exception {
        Path log = dir.resolve("runs.log");
        Files.write(log, List.of("start a 1", "end a 1", "start a 2", "start b 3", "start a 4", "end a 2",
                "end b 3", "start c 5"));

        RunHistory history = RunHistory.read(log);

        assertThat(history.violations()).singleElement().asString().contains("task a: run a/4 started");
        assertThat(history.totalRuns()).isEqualTo(5);
        assertThat(history.interruptedRuns()).isEqualTo(2);
    }

    @Test
    void tornLinesAreViolations() throws Exception {
        Path log = dir.resolve("runs.log");
        Files.write(log, List.of("start a 1", "en"));

        assertThat(RunHistory.read(log).violations()).singleElement().asString().contains("torn");
    }

    @Test
    void theAuditFindsUnfinishedTasksLeftClaimsAndCompletedTasksThatNeverRan() throws Exception {
        FileTaskStore store = new FileTaskStore(dir, Clock.systemUTC());
        store.add(List.of(Task.grind("done").command(RunHistory.command("done", 0)).build(), Task.grind("waiting").build()));
        Files.writeString(dir.resolve("execution_log.json"),
                "{\"version\":\"1.0\",\"tasks\":{\"done\":{\"status\":\"completed\"}},\"swarm_summary\":{\"total_tasks\":2,"
                        + "\"completed\":1,\"in_progress\":0,\"pending\":1,\"failed\":0}}");
        Files.writeString(dir.resolve("task_locks/waiting.lock"), "{}");

        List<String> violations = WorkspaceAudit.check(dir, Set.of(TaskStatus.COMPLETED), RunHistory.read(dir.resolve("runs.log")));

        assertThat(violations).anyMatch(v -> v.contains("task waiting ended pending"))
                .anyMatch(v -> v.contains("claims left behind: [waiting.lock]"))
                .anyMatch(v -> v.contains("task done is completed but no run of it finished"));
    }

    @Test
    void aSummaryThatDisagreesWithTheEntriesIsFound() throws Exception {
        new FileTaskStore(dir, Clock.systemUTC()).add(List.of(Task.grind("a").build()));
        Files.writeString(dir.resolve("execution_log.json"), "{\"version\":\"1.0\",\"tasks\":{},\"swarm_summary\":"
                + "{\"total_tasks\":1,\"completed\":1,\"in_progress\":0,\"pending\":0,\"failed\":0}}");

        assertThat(WorkspaceAudit.check(dir, Set.of(TaskStatus.PENDING), RunHistory.read(dir.resolve("none"))))
                .anyMatch(v -> v.contains("does not match the entries"));
    }
}
