package io.vivarium.task;
import java.math.BigDecimal;

/**
 * The budget rules shared by tasks and ad-hoc grinds: {@code 0 < min <= max}, finite, in dollars, and no finer
 * than the meter counts ({@link Money}: whole micro-dollars), so that what is charged is what was asked for.
 */
public final class Budget {

    /** A cap on a single grind, so that a typo such as {@code --max 1e9} is refused rather than honoured. */
    public static final double MAX_DOLLARS = 1000.0;

    private static final Double DEFAULT_MIN = Task.DEFAULT_MIN_BUDGET;
    private static final Double DEFAULT_MAX = Task.DEFAULT_MAX_BUDGET;

    private Budget() {
    }

    /** One instance of the default budgets for every task that has them, not two boxes per task of 100,000. */
    static Double shared(Double dollars) {
        if (dollars.equals(DEFAULT_MIN)) {
            return DEFAULT_MIN;
        }
        return dollars.equals(DEFAULT_MAX) ? DEFAULT_MAX : dollars;
    }

    public static void check(double min, double max) {
        if (!Double.isFinite(min) || min <= 0) {
            throw new InvalidTaskException("min_budget", "min_budget must be greater than 0 (got " + plain(min) + ")");
        }
        checkMeterable("min_budget", min);
        if (!Double.isFinite(max) || max < min) {
            throw new InvalidTaskException("max_budget",
                    "max_budget (" + plain(max) + ") must be at least min_budget (" + plain(min) + ")");
        }
        if (max > MAX_DOLLARS) {
            throw new InvalidTaskException("max_budget",
                    "max_budget must be at most " + plain(MAX_DOLLARS) + " (got " + plain(max) + ")");
        }
        checkMeterable("max_budget", max);
    }

    /** A budget of 1e-7 would be charged 0, and one of 0.0000015 more than itself: both are refused. */
    private static void checkMeterable(String field, double dollars) {
        if (Money.round(dollars) != dollars) {
            throw new InvalidTaskException(field, field + " must be a whole number of micro-dollars, the meter's unit: "
                    + "at least " + plain(Money.MICRO_DOLLAR) + ", at most 6 decimal places (got " + plain(dollars) + ")");
        }
    }

    /** Dollars for display: at least cents, more digits only when they are there ({@code 0.10}, {@code 0.075}). */
    public static String format(double dollars) {
        if (!Double.isFinite(dollars)) {
            return String.valueOf(dollars);
        }
        // To the micro-dollar budgets are metered in: a sum of charges prints without float noise, and an amount
        // under a hundredth of a cent still shows.
        BigDecimal exact = BigDecimal.valueOf(Money.round(dollars)).stripTrailingZeros();
        return exact.setScale(Math.max(2, exact.scale())).toPlainString();
    }

    /** The number exactly as given, for error messages that quote the user's input. */
    static String plain(double value) {
        if (!Double.isFinite(value)) {
            return String.valueOf(value);
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
