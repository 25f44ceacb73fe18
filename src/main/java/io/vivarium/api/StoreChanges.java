package io.vivarium.api;

import io.vivarium.store.TaskStore;
import java.time.Duration;
import java.util.Objects;

/**
 * Waits for the store's state to change, for the live stream. It polls {@link TaskStore#stateVersion()} for now;
 * once the store can block on a change itself, only this class changes. One thread waits here for every client.
 */
final class StoreChanges {

    static final Duration POLL_INTERVAL = Duration.ofMillis(150);

    private final TaskStore store;

    StoreChanges(TaskStore store) {
        this.store = store;
    }

    /** The store's version once it differs from {@code seen}, or {@code seen} itself when {@code timeout} passes first. */
    Object awaitChange(Object seen, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Object version = store.stateVersion();
            if (!Objects.equals(version, seen)) {
                return version;
            }
            long leftMillis = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
            if (leftMillis <= 0) {
                return seen;
            }
            Thread.sleep(Math.min(POLL_INTERVAL.toMillis(), leftMillis));
        }
    }
}
