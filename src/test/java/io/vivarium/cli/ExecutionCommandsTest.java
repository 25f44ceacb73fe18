package io.vivarium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliRun;
import io.vivarium.support.WorkspaceFiles;
import io.vivarium.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutionCommandsTest {

    @TempDir
    Path workspace;

    private TaskStatus status(String id) {
        return new FileTaskStore(workspace, Clock.systemUTC()).snapshot().statusOf(id);
    }

    @Test
    void theGuidesWorkflowOneRunsToCompletion() {
        CliRun.in(workspace, "clear");
        CliRun.in(workspace, "add", "task_001", "grind");
        CliRun.in(workspace, "add", "task_002", "grind", "--min", "0.08", "--max", "0.15", "--intensity", "high");
        CliRun.in(workspace, "add", "task_003", "grind", "--intensity", "low");
        CliRun.in(workspace, "add", "task_004", "grind", "--intensity", "medium");

        CliRun start = CliRun.in(workspace, "start");

        assertThat(start.exitCode()).as(start.err()).isZero();
        assertThat(start.out()).containsPattern("Completed:\\s+4\\s+\\(100\\.0%\\)").contains("Active claims: none");
        var log = WorkspaceFiles.log(workspace);
        assertThat(log.get("tasks").get("task_002").get("budget_used").asDouble()).isEqualTo(0.08);
        assertThat(log.get("tasks").get("task_002").get("result").asString()).isEqualTo("Grind completed with intensity=high");
        assertThat(log.get("tasks").get("task_001").get("worker_id").asString()).matches("worker_[0-9a-f]{8}");
        assertThat(log.get("swarm_summary").get("completed").asInt()).isEqualTo(4);
        assertThat(log.get("swarm_summary").get("budget_used").asDouble()).isEqualTo(0.23);
    }

    @Test
    void startExitsOneWhenATaskFailed() {
        CliRun.in(workspace, "add", "ok", "grind", "--command", "true");
        CliRun.in(workspace, "add", "bad", "grind", "--command", "echo nope; exit 4", "--max-attempts", "1");

        CliRun start = CliRun.in(workspace, "start", "2");

        assertThat(start.exitCode()).isEqualTo(1);
        assertThat(start.out()).contains("bad  (attempts 1/1)  exit code 4: nope");
    }

    @Test
    void dryRunListsTheOrderAndChangesNothing() {
        CliRun.in(workspace, "add", "a", "grind");
        CliRun.in(workspace, "add", "b", "grind", "--priority", "high");
        CliRun.in(workspace, "add", "c", "grind", "--depends-on", "a");
        byte[] log = WorkspaceFiles.bytes(workspace.resolve("execution_log.json"));

        CliRun dry = CliRun.in(workspace, "start", "--dry-run");

        assertThat(dry.exitCode()).isZero();
        assertThat(dry.out()).containsSubsequence("b ", "a ", "Waiting", "c ", "depends on a");
        assertThat(WorkspaceFiles.bytes(workspace.resolve("execution_log.json"))).isEqualTo(log);
    }

    @Test
    void dependenciesRunInOrder() throws Exception {
        CliRun.in(workspace, "add", "first", "grind", "--command", "sleep 0.3; echo first >> order.txt");
        CliRun.in(workspace, "add", "second", "grind", "--command", "echo second >> order.txt", "--depends-on", "first");

        assertThat(CliRun.in(workspace, "start", "4").exitCode()).isZero();

        assertThat(Files.readAllLines(workspace.resolve("order.txt"))).containsExactly("first", "second");
    }

    @Test
    void workerRunStopsAfterNTasksInPriorityOrder() {
        CliRun.in(workspace, "add", "low", "grind", "--priority", "low");
        CliRun.in(workspace, "add", "mid", "grind");
        CliRun.in(workspace, "add", "top", "grind", "--priority", "high");

        CliRun run = CliRun.in(workspace, "worker", "run", "2");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsPattern("worker_[0-9a-f]{8} ran 2 tasks: 2 completed, 0 failed");
        assertThat(status("top")).isEqualTo(TaskStatus.COMPLETED);
        assertThat(status("mid")).isEqualTo(TaskStatus.COMPLETED);
        assertThat(status("low")).isEqualTo(TaskStatus.PENDING);
    }

    @Test
    void retryGivesAFailedTaskAnotherRun() {
        CliRun.in(workspace, "add", "flaky", "grind", "--max-attempts", "1",
                "--command", "test -f marker || { touch marker; exit 1; }");
        assertThat(CliRun.in(workspace, "start").exitCode()).isEqualTo(1);

        CliRun retry = CliRun.in(workspace, "retry", "--failed");

        assertThat(retry.out()).contains("Reset to pending: flaky");
        assertThat(CliRun.in(workspace, "start").exitCode()).isZero();
        assertThat(status("flaky")).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void cancelAndRetryRefuseWhatTheyCannotDo() {
        CliRun.in(workspace, "add", "a", "grind");
        CliRun.in(workspace, "add", "b", "grind", "--depends-on", "a");

        assertThat(CliRun.in(workspace, "cancel", "a").out()).contains("Cancelled a (it was pending)");
        assertThat(status("b")).isEqualTo(TaskStatus.BLOCKED);

        CliRun again = CliRun.in(workspace, "cancel", "a");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("task 'a' is cancelled and cannot become cancelled");
        CliRun unknown = CliRun.in(workspace, "retry", "nope");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no task 'nope' in the queue");
        CliRun neither = CliRun.in(workspace, "retry");
        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("give task ids or --failed");

        assertThat(CliRun.in(workspace, "retry", "a").out()).contains("Reset to pending: a, b");
        assertThat(CliRun.in(workspace, "start").exitCode()).isZero();
    }

    @Test
    void badPoolFlagsAreInputErrors() {
        assertThat(CliRun.in(workspace, "start", "0").err()).contains("N must be between 1 and 256");
        assertThat(CliRun.in(workspace, "start", "--lease", "-1").exitCode()).isEqualTo(2);
        assertThat(CliRun.in(workspace, "worker", "run", "-3").exitCode()).isEqualTo(2);
    }
}
