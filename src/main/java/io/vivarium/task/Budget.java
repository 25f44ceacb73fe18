package io.vivarium.task;

/** The budget rules shared by tasks and ad-hoc grinds: {@code 0 < min <= max}, finite, in dollars. */
public final class Budget {

    /** A cap on a single grind, so that a typo such as {@code --max 1e9} is refused rather than honoured. */
    public static final double MAX_DOLLARS = 1000.0;

    private Budget() {
    }

    public static void check(double min, double max) {
        if (!Double.isFinite(min) || min <= 0) {
            throw new InvalidTaskException("min_budget", "min_budget must be greater than 0 (got " + format(min) + ")");
        }
        if (!Double.isFinite(max) || max < min) {
            throw new InvalidTaskException("max_budget",
                    "max_budget (" + format(max) + ") must be at least min_budget (" + format(min) + ")");
        }
        if (max > MAX_DOLLARS) {
            throw new InvalidTaskException("max_budget",
                    "max_budget must be at most " + format(MAX_DOLLARS) + " (got " + format(max) + ")");
        }
    }

    public static String format(double dollars) {
        if (!Double.isFinite(dollars)) {
            return String.valueOf(dollars);
        }
        java.math.BigDecimal exact = java.math.BigDecimal.valueOf(dollars).stripTrailingZeros();
        return exact.setScale(Math.max(2, exact.scale())).toPlainString();
    }
}
