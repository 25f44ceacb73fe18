package io.vivarium.worker;

import io.vivarium.store.TaskStore;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Waits on the store for changes made by anyone (another process, another machine) and calls back on each, so the
 * dispatcher can sleep instead of polling. The store decides how waiting works: files poll cheaply, a database
 * is notified.
 */
final class ChangeWatcher implements Chore, Runnable {

    private static final Duration WAIT = Duration.ofSeconds(1);

    private final TaskStore store;
    private final Runnable onChange;
    private final AtomicLong latest;
    private volatile boolean stopped;
    private volatile Thread thread;

    ChangeWatcher(TaskStore store, long initial, Runnable onChange) {
        this.store = store;
        this.onChange = onChange;
        this.latest = new AtomicLong(initial);
    }

    /** The newest version seen. */
    long latest() {
        return latest.get();
    }

    /** Watches on a thread of its own: a wait for change blocks, and must not hold up the heartbeats. */
    @Override
    public void start(ScheduledExecutorService scheduler) {
        thread = new Thread(this, "vivarium-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public void run() {
        long seen = latest.get();
        while (!stopped) {
            try {
                long now = store.awaitChange(seen, WAIT);
                if (now != seen) {
                    seen = now;
                    latest.set(now);
                    onChange.run();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // A store that cannot be read now (a file being replaced by hand, a database restarting): the
                // dispatcher's own commits report the error; try again shortly.
                try {
                    Thread.sleep(WAIT.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }
}
