package io.vivarium.campaign;

import io.vivarium.store.Snapshot;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.task.Task;
import io.vivarium.task.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * What a fresh reader of the workspace sees after each kill, held to everything committed before: no task vanishes,
 * no completion is undone unless the user retried the task, every change a user's verb committed is there (one that
 * exited 0, or one killed once its checkpoint had begun: a verb checkpoints only after its commit), and the files,
 * however far behind, never show what the journal does not hold. At the end, {@link #reruns} finds a completed task
 * run again.
 */
final class CommittedChanges {

    /** A status a committed intent left on a task, until a later intent on that task. */
    private record Expected(Set<TaskStatus> allowed, String what) {
    }

    private final Path workspace;
    private final List<String> violations = new ArrayList<>();
    private final Map<String, Expected> expected = new LinkedHashMap<>();
    /** Tasks the user asked to run again: their completions may be undone. */
    private final Set<String> retried = new HashSet<>();
    /** Each task seen completed, with how many lines {@code runs.log} had just after that reading. */
    private final Map<String, Integer> completedBeforeLine = new HashMap<>();
    private Set<String> tasks = Set.of();
    private Set<String> completed = Set.of();
    private Snapshot last = Snapshot.empty();
    private int looks;
    private int committed;

    CommittedChanges(Path workspace) {
        this.workspace = workspace;
    }

    /** A user's intent on {@code id} was issued: what earlier intents left may change now. */
    void issued(String id, boolean retry) {
        expected.remove(id);
        if (retry) {
            retried.add(id);
        }
    }

    /** A change known to be committed: from now on the task's status must be one of {@code allowed}. */
    void committed(String id, Set<TaskStatus> allowed, String what) {
        expected.put(id, new Expected(allowed, what));
        committed++;
    }

    /**
     * Reads the files (as {@code cat} does), then the state through a fresh store (as a new process does), and
     * checks both against what was committed before. Returns the fresh state.
     */
    Snapshot look(String when) throws IOException {
        looks++;
        WorkspaceAudit.Documents files = WorkspaceAudit.documents(workspace, violations);
        Snapshot now;
        try (FileTaskStore fresh = new FileTaskStore(workspace, Clock.systemUTC())) {
            now = fresh.snapshot();
        } catch (RuntimeException e) {
            violations.add(when + ": a fresh store cannot read the workspace: " + e);
            return last;
        }
        int runsLogLines = lines(workspace.resolve("runs.log"));
        Set<String> ids = now.tasks().stream().map(Task::id).collect(Collectors.toSet());
        Set<String> done = ids.stream().filter(id -> now.statusOf(id) == TaskStatus.COMPLETED)
                .collect(Collectors.toSet());
        tasks.stream().filter(id -> !ids.contains(id)).limit(5)
                .forEach(id -> violations.add(when + ": task " + id + " vanished"));
        completed.stream().filter(id -> !done.contains(id) && !retried.contains(id)).limit(5)
                .forEach(id -> violations.add(when + ": task " + id + " was completed and is now "
                        + (ids.contains(id) ? now.statusOf(id) : "gone")));
        expected.forEach((id, e) -> {
            TaskStatus status = ids.contains(id) ? now.statusOf(id) : null;
            if (status == null || !e.allowed().contains(status)) {
                violations.add(when + ": " + e.what() + " was committed, yet a fresh reader sees " + id + " "
                        + (status == null ? "missing" : status));
            }
        });
        if (files != null) {
            filesBehindTheJournal(files, ids, done, when);
        }
        done.forEach(id -> completedBeforeLine.putIfAbsent(id, runsLogLines));
        tasks = ids;
        completed = done;
        last = now;
        return now;
    }

    /** A fresh {@code status --json}, taken after {@link #look}: it may be newer, never older. */
    void checkStatus(JsonNode status, String when) {
        if (status == null || !status.path("total_tasks").isNumber()) {
            violations.add(when + ": status --json printed no summary: " + status);
            return;
        }
        if (status.get("total_tasks").asInt() < tasks.size() || status.path("completed").asInt() < completed.size()) {
            violations.add(when + ": status --json " + status + " shows less than a reader saw before it ("
                    + tasks.size() + " tasks, " + completed.size() + " completed)");
        }
    }

    /** Runs of a task that began after a reader had seen it completed, when no one asked to run it again. */
    List<String> reruns(RunHistory history) {
        List<String> found = new ArrayList<>();
        completedBeforeLine.forEach((id, line) -> {
            if (retried.contains(id)) {
                return;
            }
            history.runsOf(id).stream().filter(run -> run.startLine() > line).findFirst().ifPresent(run ->
                    found.add("task " + id + " was completed by line " + line + " of runs.log, yet run " + run.token()
                            + " started at line " + run.startLine()));
        });
        return found;
    }

    List<String> violations() {
        return violations;
    }

    Snapshot last() {
        return last;
    }

    int looks() {
        return looks;
    }

    /** How many intents were known committed (each is checked by every later look). */
    int committed() {
        return committed;
    }

    /**
     * The files are a checkpoint of a committed state, so they hold no task the fresh state lacks and no completion
     * it does not show; and the log's summary counts its own entries.
     */
    private void filesBehindTheJournal(WorkspaceAudit.Documents files, Set<String> ids, Set<String> done, String when) {
        for (JsonNode task : files.queue().path("tasks")) {
            String id = task.path("id").asString();
            if (!ids.contains(id)) {
                violations.add(when + ": queue.json holds " + id + ", which a fresh reader does not");
                return;
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        for (var entry : files.log().path("tasks").properties()) {
            String status = entry.getValue().path("status").asString();
            counts.merge(status, 1, Integer::sum);
            if (status.equals("completed") && !done.contains(entry.getKey()) && !retried.contains(entry.getKey())) {
                violations.add(when + ": execution_log.json shows " + entry.getKey()
                        + " completed, which a fresh reader does not");
                return;
            }
        }
        JsonNode summary = files.log().path("swarm_summary");
        for (String status : List.of("completed", "in_progress", "failed", "cancelled", "blocked")) {
            if (summary.has(status) && summary.get(status).asInt() != counts.getOrDefault(status, 0)) {
                violations.add(when + ": execution_log.json's swarm_summary " + summary + " does not count its own "
                        + "entries " + counts);
                return;
            }
        }
    }

    private static int lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(file)) {
            return (int) lines.count();
        }
    }
}
