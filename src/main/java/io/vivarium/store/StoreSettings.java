package io.vivarium.store;

import io.vivarium.spend.SpendLimit;
import io.vivarium.task.RetryPolicy;
import java.time.Duration;
import java.util.Optional;

/**
 * How long a claim lives without a heartbeat, how failed attempts back off, and how long an in-progress task may
 * be without its claim file (removed by hand) before it is given to another worker. That grace exceeds the
 * heartbeat interval, so the owner has stopped its grind by the time anyone else starts one. {@code spendLimit} is
 * this process's own ceiling ({@code --spend-limit}); the store's own limit applies as well, and the smaller wins.
 */
public record StoreSettings(Duration lease, RetryPolicy retry, Duration missingClaimGrace,
                            Optional<SpendLimit> spendLimit) {

    /** A text constant too, so that the CLI's and the server's defaults can name it in annotations. */
    public static final int DEFAULT_LEASE_SECONDS = 300;
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(DEFAULT_LEASE_SECONDS);

    public StoreSettings(Duration lease, RetryPolicy retry, Duration missingClaimGrace) {
        this(lease, retry, missingClaimGrace, Optional.empty());
    }

    public static StoreSettings defaults() {
        return withLease(DEFAULT_LEASE, RetryPolicy.DEFAULT);
    }

    public static StoreSettings withLease(Duration lease, RetryPolicy retry) {
        return new StoreSettings(lease, retry, heartbeatInterval(lease).multipliedBy(2).plusSeconds(1));
    }

    public StoreSettings withSpendLimit(Optional<SpendLimit> limit) {
        return new StoreSettings(lease, retry, missingClaimGrace, limit);
    }

    /** Renew often enough that a few missed beats still leave the claim live. */
    public static Duration heartbeatInterval(Duration lease) {
        Duration fifth = lease.dividedBy(5);
        Duration cap = Duration.ofSeconds(2);
        return fifth.compareTo(cap) < 0 ? fifth : cap;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval(lease);
    }
}
