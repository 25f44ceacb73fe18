package io.vivarium.task;

/** Dollar amounts are metered to the micro-dollar; rounding once here keeps sums and files free of float noise. */
public final class Money {

    /** The meter's unit: budgets are whole numbers of it. */
    public static final double MICRO_DOLLAR = 0.000_001;

    private Money() {
    }

    public static double round(double dollars) {
        return Math.round(dollars * 1_000_000d) / 1_000_000d;
    }

    /** Whole micro-dollars, for sums that must be exact (the spend ledger). */
    public static long micros(double dollars) {
        return Math.round(dollars * 1_000_000d);
    }

    /** The dollars a number of micro-dollars stands for: the double nearest to the decimal amount. */
    public static double dollars(long micros) {
        return micros / 1_000_000d;
    }
}
