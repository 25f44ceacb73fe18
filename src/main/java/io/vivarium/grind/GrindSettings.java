package io.vivarium.grind;

/** The command meter's rate in dollars per second at medium intensity, and how much output a grind keeps. */
public record GrindSettings(double dollarsPerSecond, int outputLimitBytes) {

    public static final double DEFAULT_RATE = 0.01;
    public static final int DEFAULT_OUTPUT_LIMIT = 64 * 1024;

    public GrindSettings {
        if (!(dollarsPerSecond > 0) || !Double.isFinite(dollarsPerSecond)) {
            throw new IllegalArgumentException("the grind rate must be a positive number of dollars per second");
        }
    }

    public static GrindSettings defaults() {
        return new GrindSettings(DEFAULT_RATE, DEFAULT_OUTPUT_LIMIT);
    }
}
