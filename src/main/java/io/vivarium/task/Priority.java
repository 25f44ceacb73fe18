package io.vivarium.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Scheduling order: higher priority tasks are claimed first, then insertion order. */
public enum Priority {
    HIGH, MEDIUM, LOW;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Priority parse(String value) {
        return Names.parse(Priority.class, "priority", value);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
