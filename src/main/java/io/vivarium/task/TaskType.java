package io.vivarium.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The kinds of task Vivarium runs; today only budgeted grinds. */
public enum TaskType {
    GRIND;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static TaskType parse(String value) {
        return Names.parse(TaskType.class, "type", value);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
