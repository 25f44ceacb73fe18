package io.vivarium.task;

import java.time.Duration;
import java.time.Instant;

/** Exponential backoff between attempts: {@code base × 2^(attempt-1)}, capped at {@code max}. */
public record RetryPolicy(Duration base, Duration max) {

    /** The first retry's wait unless the user says otherwise ({@code --backoff}, {@code vivarium.backoff}). */
    public static final int DEFAULT_BASE_SECONDS = 2;
    /** The longest wait between attempts, unless the first one is already longer. */
    public static final int CAP_SECONDS = 120;
    public static final RetryPolicy DEFAULT = startingAt(Duration.ofSeconds(DEFAULT_BASE_SECONDS));

    public RetryPolicy {
        if (base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= base <= max");
        }
    }

    /** Backoff from {@code base}, doubling up to {@link #CAP_SECONDS}, or staying at {@code base} when that is longer. */
    public static RetryPolicy startingAt(Duration base) {
        Duration cap = Duration.ofSeconds(CAP_SECONDS);
        return new RetryPolicy(base, base.compareTo(cap) > 0 ? base : cap);
    }

    /** When the task may run again after its {@code attempts}-th attempt failed. */
    public Instant nextAttemptAt(int attempts, Instant now) {
        long factor = 1L << Math.min(Math.max(attempts - 1, 0), 20);
        Duration delay = base.multipliedBy(factor);
        return now.plus(delay.compareTo(max) > 0 ? max : delay);
    }
}
