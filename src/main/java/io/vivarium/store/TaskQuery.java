package io.vivarium.store;

import io.vivarium.task.TaskStatus;
import java.util.Locale;

/**
 * Which tasks to list: an optional state, an optional text to find in the id or description (case-insensitive),
 * and a page of the result in queue order.
 */
public record TaskQuery(TaskStatus status, String text, int offset, int limit) {

    public static final int MAX_LIMIT = 10_000;

    public TaskQuery {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
        text = text == null || text.isBlank() ? null : text.strip();
    }

    public static TaskQuery all() {
        return new TaskQuery(null, null, 0, MAX_LIMIT);
    }

    public static TaskQuery inState(TaskStatus status) {
        return new TaskQuery(status, null, 0, MAX_LIMIT);
    }

    public TaskQuery page(int newOffset, int newLimit) {
        return new TaskQuery(status, text, newOffset, newLimit);
    }

    /** The one definition of a text match, for stores that filter in memory. */
    public boolean matches(TaskEntry entry) {
        if (status != null && entry.status() != status) {
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
