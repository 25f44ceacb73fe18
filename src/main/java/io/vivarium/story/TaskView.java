package io.vivarium.story;

import io.vivarium.store.Snapshot;
import io.vivarium.store.TaskEntry;
import io.vivarium.task.CodeRun;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;

/**
 * A task as the API lists it: its definition from {@code queue.json} and its state from the log. A code grind's
 * patch (up to 1 MiB) is left out of lists; {@code GET /tasks/{id}} and {@code GET /tasks/{id}/diff} have it.
 */
public record TaskView(Task task, TaskStatus status, TaskRun run) {

    public static TaskView of(TaskEntry entry) {
        return new TaskView(entry.task(), entry.status(), withoutPatch(entry.run()));
    }

    public static TaskView of(Snapshot snapshot, Task task) {
        TaskRun run = snapshot.runOf(task.id());
        return new TaskView(task, run.status(), withoutPatch(run));
    }

    private static TaskRun withoutPatch(TaskRun run) {
        CodeRun code = run == null ? null : run.code();
        return code == null || code.patch() == null ? run : run.withCode(code.withPatch(null));
    }
}
