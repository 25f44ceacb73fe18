package io.vivarium.worker;

import io.vivarium.store.TaskStore;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Waits on the store for changes made by anyone (another process, another machine) and calls back on each, so the
 * dispatcher can sleep instead of polling. The store decides how waiting works: files poll cheaply, a database
 * is notified.
 */
final class ChangeWatcher implements Runnable {

    private static final Duration WAIT = Duration.ofSeconds(1);

    private final TaskStore store;
    private final Runnable onChange;
    private final AtomicLong latest;
    private volatile boolean stopped;

    ChangeWatcher(TaskStore store, long initial, Runnable onChange) {
        this.store = store;
        this.onChange = onChange;
        this.latest = new AtomicLong(initial);
    }

    /** The newest version seen. */
    long latest() {
        return latest.get();
    }

    void stop() {
        stopped = true;
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
