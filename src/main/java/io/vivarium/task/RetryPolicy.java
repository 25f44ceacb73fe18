package io.vivarium.task;

import java.time.Duration;
import java.time.Instant;

/** Exponential backoff between attempts: {@code base × 2^(attempt-1)}, capped at {@code max}. */
public record RetryPolicy(Duration base, Duration max) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofSeconds(2), Duration.ofMinutes(2));

    public RetryPolicy {
        if (base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= base <= max");
        }
    }

    /** When the task may run again after its {@code attempts}-th attempt failed. */
    public Instant nextAttemptAt(int attempts, Instant now) {
        long factor = 1L << Math.min(Math.max(attempts - 1, 0), 20);
        Duration delay = base.multipliedBy(factor);
        return now.plus(delay.compareTo(max) > 0 ? max : delay);
    }
}
