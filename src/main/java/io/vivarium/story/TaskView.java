package io.vivarium.story;

import io.vivarium.store.Snapshot;
import io.vivarium.store.TaskEntry;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;

/** A task as the API shows it: its definition from {@code queue.json} and its state from the log. */
public record TaskView(Task task, TaskStatus status, TaskRun run) {

    public static TaskView of(TaskEntry entry) {
        return new TaskView(entry.task(), entry.status(), entry.run());
    }

    public static TaskView of(Snapshot snapshot, Task task) {
        TaskRun run = snapshot.runOf(task.id());
        return new TaskView(task, run.status(), run);
    }
}
