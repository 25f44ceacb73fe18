package io.vivarium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import io.vivarium.support.WorkspaceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The guide's Workflow 1, steps 1, 2 and 5, as written for the jar. */
class ManualWorkflowTest {

    @TempDir
    Path workspace;

    @Test
    void clearAddAndStatusProduceTheDocumentedFiles() throws Exception {
        assertThat(CliRun.in(workspace, "clear").exitCode()).isZero();
        assertThat(CliRun.in(workspace, "add", "task_001", "grind").exitCode()).isZero();
        assertThat(CliRun.in(workspace, "add", "task_002", "grind", "--min", "0.08", "--max", "0.15",
                "--intensity", "high").exitCode()).isZero();
        assertThat(CliRun.in(workspace, "add", "task_003", "grind", "--intensity", "low").exitCode()).isZero();
        assertThat(CliRun.in(workspace, "add", "task_004", "grind", "--intensity", "medium").exitCode()).isZero();

        JsonNode queue = WorkspaceFiles.queue(workspace);
        assertThat(queue.get("version").asString()).isEqualTo("1.0");
        assertThat(queue.get("api_endpoint").asString()).isEqualTo("http://127.0.0.1:8420");
        assertThat(queue.get("tasks")).hasSize(4);
        JsonNode first = queue.get("tasks").get(0);
        assertThat(first.get("id").asString()).isEqualTo("task_001");
        assertThat(first.get("type").asString()).isEqualTo("grind");
        assertThat(first.get("min_budget").asDouble()).isEqualTo(0.05);
        assertThat(first.get("max_budget").asDouble()).isEqualTo(0.10);
        assertThat(first.get("intensity").asString()).isEqualTo("medium");
        assertThat(first.get("priority").asString()).isEqualTo("medium");
        assertThat(first.get("max_attempts").asInt()).isEqualTo(3);
        assertThat(first.get("depends_on")).isEmpty();
        assertThat(first.get("created_at").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00");
        JsonNode second = queue.get("tasks").get(1);
        assertThat(second.get("min_budget").asDouble()).isEqualTo(0.08);
        assertThat(second.get("max_budget").asDouble()).isEqualTo(0.15);
        assertThat(second.get("intensity").asString()).isEqualTo("high");

        JsonNode log = WorkspaceFiles.log(workspace);
        assertThat(log.get("version").asString()).isEqualTo("1.0");
        assertThat(log.get("tasks").isObject()).isTrue();
        JsonNode summary = log.get("swarm_summary");
        assertThat(summary.get("total_tasks").asInt()).isEqualTo(4);
        assertThat(summary.get("pending").asInt()).isEqualTo(4);
        assertThat(summary.get("completed").asInt()).isZero();
        assertThat(summary.get("in_progress").asInt()).isZero();
        assertThat(summary.get("failed").asInt()).isZero();
        assertThat(Files.isDirectory(workspace.resolve("task_locks"))).isTrue();

        CliRun status = CliRun.in(workspace, "status");
        assertThat(status.exitCode()).isZero();
        assertThat(status.out())
                .contains("Total tasks:      4")
                .containsPattern("Pending:\\s+4\\s+\\(100\\.0%\\)")
                .containsPattern("Completed:\\s+0\\s+\\(\\s*0\\.0%\\)")
                .contains("Failed tasks: none")
                .contains("Active claims: none");
    }

    @Test
    void statusJsonPrintsTheSummary() {
        CliRun.in(workspace, "add", "a", "grind");
        CliRun.in(workspace, "add", "b", "grind", "--depends-on", "a", "--priority", "high", "--max-attempts", "5",
                "--command", "echo hi", "--description", "say hi");

        CliRun status = CliRun.in(workspace, "status", "--json");

        assertThat(status.exitCode()).isZero();
        JsonNode summary = tools.jackson.databind.json.JsonMapper.builder().build().readTree(status.out());
        assertThat(summary.get("total_tasks").asInt()).isEqualTo(2);
        assertThat(summary.get("pending").asInt()).isEqualTo(2);
        assertThat(summary.get("blocked").asInt()).isZero();
        assertThat(summary.get("cancelled").asInt()).isZero();
        assertThat(summary.get("budget_used").asDouble()).isZero();
        JsonNode b = WorkspaceFiles.queue(workspace).get("tasks").get(1);
        assertThat(b.get("depends_on").get(0).asString()).isEqualTo("a");
        assertThat(b.get("priority").asString()).isEqualTo("high");
        assertThat(b.get("max_attempts").asInt()).isEqualTo(5);
        assertThat(b.get("command").asString()).isEqualTo("echo hi");
        assertThat(b.get("description").asString()).isEqualTo("say hi");
    }

    @Test
    void clearWipesTasksLogAndClaimsButKeepsTheWorkspaceUsable() throws Exception {
        CliRun.in(workspace, "add", "a", "grind");
        Files.createDirectories(workspace.resolve("task_locks"));
        Files.writeString(workspace.resolve("task_locks/a.lock"), "{}");
        Files.writeString(workspace.resolve("task_locks/notes.txt"), "mine");

        CliRun clear = CliRun.in(workspace, "clear");

        assertThat(clear.exitCode()).isZero();
        assertThat(clear.out()).contains("Cleared 1 task and 1 claim");
        assertThat(WorkspaceFiles.queue(workspace).get("tasks")).isEmpty();
        assertThat(WorkspaceFiles.log(workspace).get("swarm_summary").get("total_tasks").asInt()).isZero();
        assertThat(workspace.resolve("task_locks/a.lock")).doesNotExist();
        assertThat(workspace.resolve("task_locks/notes.txt")).exists();
        assertThat(CliRun.in(workspace, "add", "a", "grind").exitCode()).isZero();
    }

    @Test
    void helpListsEveryCommand() {
        CliRun help = CliRun.in(workspace, "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("add", "status", "clear");
    }
}
