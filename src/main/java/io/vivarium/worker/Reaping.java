package io.vivarium.worker;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Ends claims of dead or hung workers anywhere in the store ({@link StaleClaimReaper}), so their tasks run again,
 * and wakes the dispatcher for each task freed. Runs at once on start, then every {@code interval}; not while the
 * pool is stopping.
 */
final class Reaping implements Chore {

    private final StaleClaimReaper reaper;
    private final Duration interval;
    private final BooleanSupplier stopping;
    private final PoolListener listener;
    private final Runnable wake;

    Reaping(StaleClaimReaper reaper, Duration interval, BooleanSupplier stopping, PoolListener listener,
            Runnable wake) {
        this.reaper = reaper;
        this.interval = interval;
        this.stopping = stopping;
        this.listener = listener;
        this.wake = wake;
    }

    @Override
    public void start(ScheduledExecutorService scheduler) {
        scheduler.scheduleWithFixedDelay(this::reap, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void reap() {
        if (stopping.getAsBoolean()) {
            return;
        }
        try {
            reaper.reap().forEach(t -> {
                listener.tookOver(t);
                wake.run();
            });
        } catch (RuntimeException e) {
            listener.failed(e);
        }
    }
}
