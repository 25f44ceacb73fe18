package io.vivarium.worker;

import java.time.Duration;

/**
 * How a worker pool runs: its size, how long an idle dispatcher sleeps when nothing wakes it and renews and reaps claims, how far ahead it may
 * claim when grinds are short, and when it stops by itself. (How long a shutdown waits is the caller's to say.)
 *
 * @param maxTasks stop after claiming this many tasks (0: no limit)
 * @param stopWhenIdle stop once no task is pending or in progress (batch runs); otherwise keep watching (server)
 */
public record WorkerSettings(int workers, Duration idleRecheck, Duration heartbeatInterval, Duration reapInterval,
                             int maxPrefetch, int maxTasks, boolean stopWhenIdle) {

    public static final int DEFAULT_WORKERS = 4;
    /** How long a stopping pool lets running grinds finish before it stops them (the caller's to use). */
    public static final int DEFAULT_SHUTDOWN_GRACE_SECONDS = 5;
    public static final int MAX_WORKERS = 256;

    public WorkerSettings {
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be between 1 and " + MAX_WORKERS + " (got " + workers + ")");
        }
        if (maxTasks < 0) {
            throw new IllegalArgumentException("the task limit must not be negative");
        }
    }

    public static WorkerSettings batch(int workers, Duration heartbeatInterval) {
        return new WorkerSettings(workers, Duration.ofSeconds(1), heartbeatInterval, Duration.ofSeconds(1), 256, 0, true);
    }

    public WorkerSettings withMaxTasks(int limit) {
        return new WorkerSettings(workers, idleRecheck, heartbeatInterval, reapInterval, maxPrefetch, limit,
                stopWhenIdle);
    }

    public WorkerSettings watching() {
        return new WorkerSettings(workers, idleRecheck, heartbeatInterval, reapInterval, maxPrefetch, maxTasks,
                false);
    }
}
