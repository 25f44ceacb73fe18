package io.vivarium.campaign;

import io.vivarium.store.Snapshot;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The invariants every campaign ends with: whole files, a summary that matches, final states, no claims left. */
final class WorkspaceAudit {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private WorkspaceAudit() {
    }

    static List<String> check(Path workspace, Set<TaskStatus> allowedFinal, RunHistory history) throws IOException {
        List<String> violations = new ArrayList<>(history.violations());
        JsonNode queue;
        JsonNode log;
        try {
            queue = JSON.readTree(Files.readString(workspace.resolve("queue.json")));
            log = JSON.readTree(Files.readString(workspace.resolve("execution_log.json")));
        } catch (RuntimeException e) {
            violations.add("a workspace file does not parse: " + e.getMessage());
            return violations;
        }
        Snapshot snapshot = new FileTaskStore(workspace, Clock.systemUTC()).snapshot();
        JsonNode summary = log.get("swarm_summary");
        var expected = snapshot.summary();
        if (summary == null || summary.get("total_tasks").asInt() != queue.get("tasks").size()
                || summary.get("completed").asInt() != expected.completed()
                || summary.get("failed").asInt() != expected.failed()
                || summary.get("pending").asInt() != expected.pending()
                || summary.get("in_progress").asInt() != expected.inProgress()) {
            violations.add("swarm_summary " + summary + " does not match the entries " + expected);
        }
        for (var task : snapshot.tasks()) {
            TaskRun run = snapshot.runOf(task.id());
            if (!allowedFinal.contains(run.status())) {
                violations.add("task " + task.id() + " ended " + run.status() + " (" + run.error() + ")");
            }
            if (run.status() == TaskStatus.COMPLETED && task.command() != null && task.command().contains("runs.log")
                    && history.runsOf(task.id()).stream().noneMatch(RunHistory.Run::ended)) {
                violations.add("task " + task.id() + " is completed but no run of it finished");
            }
        }
        try (Stream<Path> locks = Files.list(workspace.resolve("task_locks"))) {
            List<String> left = locks.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".lock")
                    && !n.equals(".workspace.lock")).toList();
            if (!left.isEmpty()) {
                violations.add("claims left behind: " + left);
            }
        }
        return violations;
    }
}
