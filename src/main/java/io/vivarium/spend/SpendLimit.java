package io.vivarium.spend;

import io.vivarium.task.Budget;
import io.vivarium.task.InvalidTaskException;
import io.vivarium.task.Money;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * A ceiling on what a workspace may spend, in whole micro-dollars like every budget. Zero is allowed: nothing new
 * starts. A limit comes from a user (a flag, a variable, {@code limit set}, {@code PUT /limit}), so it is parsed
 * here, once, for all of them.
 */
public record SpendLimit(long micros) {

    /** A billion dollars: a typo such as {@code 5e12} is refused rather than honoured. */
    public static final long MAX_DOLLARS = 1_000_000_000L;

    public SpendLimit {
        if (micros < 0 || micros > MAX_DOLLARS * 1_000_000L) {
            throw new IllegalArgumentException("a spend limit must be between 0 and " + MAX_DOLLARS + " dollars");
        }
    }

    public static SpendLimit ofDollars(double dollars) {
        return new SpendLimit(Money.micros(dollars));
    }

    /**
     * Dollars as a user writes them: {@code 5}, {@code 5.00}, {@code $5.00}, {@code 0.000001}. Refused, naming
     * {@code field}: a negative amount, anything that is not a plain decimal number ({@code abc}, {@code NaN},
     * {@code Infinity}, {@code 0x10}), more than six decimal places, more than {@link #MAX_DOLLARS}.
     */
    public static SpendLimit parse(String field, String text) {
        String given = text == null ? "" : text.strip();
        String digits = given.startsWith("$") ? given.substring(1) : given;
        BigDecimal dollars;
        try {
            dollars = new BigDecimal(digits);
        } catch (NumberFormatException e) {
            throw invalid(field, given);
        }
        if (dollars.signum() < 0 || dollars.stripTrailingZeros().scale() > 6) {
            throw invalid(field, given);
        }
        if (dollars.compareTo(BigDecimal.valueOf(MAX_DOLLARS)) > 0) {
            throw new InvalidTaskException(field, field + " must be at most " + MAX_DOLLARS + " dollars (got " + given + ")");
        }
        return new SpendLimit(dollars.movePointRight(6).longValueExact());
    }

    /** {@link #parse}, where a blank value means "no limit" (a setting left unset). */
    public static Optional<SpendLimit> parseOptional(String field, String text) {
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(parse(field, text));
    }

    /** The smaller of two limits, either of which may be absent: both apply. */
    public static Optional<SpendLimit> tighter(Optional<SpendLimit> a, Optional<SpendLimit> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return a.get().micros <= b.get().micros ? a : b;
    }

    public double dollars() {
        return Money.dollars(micros);
    }

    /** {@code 5.00}, {@code 0.075}: as the user would write it back. */
    public String plain() {
        return Budget.format(dollars());
    }

    private static InvalidTaskException invalid(String field, String given) {
        return new InvalidTaskException(field, field + " must be a dollar amount of 0 or more with at most 6 decimal"
                + " places, such as 5.00 (got '" + given + "')");
    }
}
