package io.vivarium.store;

import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The queue and every task's run state, as read at one moment. Tasks keep their queue (insertion) order. */
public record Snapshot(List<Task> tasks, Map<String, TaskRun> runs) {

    public Snapshot {
        tasks = List.copyOf(tasks);
        runs = Collections.unmodifiableMap(new LinkedHashMap<>(runs));
    }

    public static Snapshot empty() {
        return new Snapshot(List.of(), Map.of());
    }

    public Optional<Task> task(String id) {
        return tasks.stream().filter(t -> t.id().equals(id)).findFirst();
    }

    /** The task's run entry, or a pending one when it has none yet. */
    public TaskRun runOf(String id) {
        TaskRun run = runs.get(id);
        return run == null ? TaskRun.pending() : run;
    }

    public Optional<TaskEntry> entry(String id) {
        return task(id).map(t -> new TaskEntry(t, runs.get(id)));
    }

    /** A {@link TaskQuery} answered from memory, for stores that hold the whole queue anyway. */
    public TaskPage query(TaskQuery query) {
        return query.pageOf(tasks, runs::get);
    }

    public TaskStatus statusOf(String id) {
        return runOf(id).status();
    }

    public Summary summary() {
        return Summary.of(tasks, runs);
    }
}
