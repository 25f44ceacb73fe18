package io.vivarium.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A task's lifecycle. The transition table below is the only place that says which moves are legal;
 * {@link TaskRun}'s intent methods ask it and throw on anything else.
 */
public enum TaskStatus {
    PENDING, IN_PROGRESS, COMPLETED, FAILED, BLOCKED, CANCELLED;

    private Set<TaskStatus> next;

    static {
        PENDING.next = EnumSet.of(IN_PROGRESS, BLOCKED, CANCELLED);
        // IN_PROGRESS -> IN_PROGRESS is a takeover of a dead or stale claim; -> PENDING is a released claim or a retry after backoff.
        IN_PROGRESS.next = EnumSet.of(IN_PROGRESS, COMPLETED, FAILED, PENDING, CANCELLED);
        COMPLETED.next = EnumSet.of(PENDING);
        FAILED.next = EnumSet.of(PENDING);
        BLOCKED.next = EnumSet.of(PENDING, CANCELLED);
        CANCELLED.next = EnumSet.of(PENDING);
    }

    public boolean canMoveTo(TaskStatus target) {
        return next.contains(target);
    }

    @JsonValue
    public String wireName() {
        return WIRE_NAMES[ordinal()];
    }

    private static final String[] WIRE_NAMES = java.util.Arrays.stream(values())
            .map(s -> s.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);

    @JsonCreator
    public static TaskStatus parse(String value) {
        return Names.parse(TaskStatus.class, "status", value);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
