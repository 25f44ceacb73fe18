package io.vivarium.worker;

import java.util.concurrent.ScheduledExecutorService;

/**
 * A job a worker pool runs beside its dispatcher: renewing its claims' heartbeats, reaping stale claims, watching
 * the store for change (and, next, promoting tasks whose time has come). The pool starts its chores in order and
 * stops them when it stops; a chore reports its own errors and never stops the pool.
 */
interface Chore {

    /** Starts the chore: on {@code scheduler}, the pool's one chore thread, or on a thread of its own. */
    void start(ScheduledExecutorService scheduler);

    /** Stops what runs on a thread of its own; the scheduler is the pool's to shut down. */
    default void stop() {
    }
}
