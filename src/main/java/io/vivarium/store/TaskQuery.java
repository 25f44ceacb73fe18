package io.vivarium.store;

import io.vivarium.task.QueueName;
import io.vivarium.task.TaskStatus;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Which tasks to list: an optional state, an optional text to find in the id or description (case-insensitive),
 * an optional queue ({@link Task#queueName()}), and a page of the result in queue order.
 */
public record TaskQuery(TaskStatus status, String text, int offset, int limit, String queue) {

    public static final int MAX_LIMIT = 10_000;

    public TaskQuery {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
        text = text == null || text.isBlank() ? null : text.strip();
        queue = queue == null || queue.isBlank() ? null : QueueName.requireValid("queue", queue.strip());
    }

    public TaskQuery(TaskStatus status, String text, int offset, int limit) {
        this(status, text, offset, limit, null);
    }

    public TaskQuery inQueue(String name) {
        return new TaskQuery(status, text, offset, limit, name);
    }

    public static TaskQuery all() {
        return new TaskQuery(null, null, 0, MAX_LIMIT);
    }

    public static TaskQuery inState(TaskStatus status) {
        return new TaskQuery(status, null, 0, MAX_LIMIT);
    }

    public TaskQuery page(int newOffset, int newLimit) {
        return new TaskQuery(status, text, newOffset, newLimit, queue);
    }

    /** This query answered from memory, for stores that hold the whole queue anyway; tasks in queue order. */
    public TaskPage pageOf(List<Task> tasks, Function<String, TaskRun> runs) {
        List<TaskEntry> page = new ArrayList<>();
        long total = 0;
        for (Task task : tasks) {
            TaskEntry entry = new TaskEntry(task, runs.apply(task.id()));
            if (matches(entry)) {
                if (total >= offset && page.size() < limit) {
                    page.add(entry);
                }
                total++;
            }
        }
        return new TaskPage(page, total);
    }

    /** The one definition of a text match, for stores that filter in memory. */
    public boolean matches(TaskEntry entry) {
        if (status != null && entry.status() != status) {
            return false;
        }
        if (queue != null && !entry.task().queueName().equals(queue)) {
            return false;
        }
        if (text == null) {
            return true;
        }
        String needle = text.toLowerCase(Locale.ROOT);
        String description = entry.task().description();
        return entry.id().toLowerCase(Locale.ROOT).contains(needle)
                || description != null && description.toLowerCase(Locale.ROOT).contains(needle);
    }
}
