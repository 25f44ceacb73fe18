package io.vivarium.store;

import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;

/** A task's definition and its run state (pending when it has none yet). */
public record TaskEntry(Task task, TaskRun run) {

    public TaskEntry {
        run = run == null ? TaskRun.pending() : run;
    }

    public String id() {
        return task.id();
    }

    public TaskStatus status() {
        return run.status();
    }
}
