package io.vivarium.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How hard a grind works; scales the command meter's rate. */
public enum Intensity {
    LOW(0.5), MEDIUM(1.0), HIGH(1.5);

    private final double rateMultiplier;

    Intensity(double rateMultiplier) {
        this.rateMultiplier = rateMultiplier;
    }

    public double rateMultiplier() {
        return rateMultiplier;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Intensity parse(String value) {
        return Names.parse(Intensity.class, "intensity", value);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
