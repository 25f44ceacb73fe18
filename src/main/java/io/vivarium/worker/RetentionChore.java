package io.vivarium.worker;

import io.vivarium.store.TaskStore;
import io.vivarium.task.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code VIVARIUM_RETENTION}: completed tasks that ended longer ago than the retention are pruned, once at start
 * and then every minute (or every tenth of the retention, when that is shorter). A prune that fails is tried
 * again at the next turn; the queue is never the worse for it.
 */
public final class RetentionChore implements AutoCloseable {

    private static final Duration MOST = Duration.ofMinutes(1);
    private static final Duration LEAST = Duration.ofSeconds(1);

    private final TaskStore store;
    private final Duration retention;
    private final Clock clock;
    private final Consumer<List<String>> pruned;
    private ScheduledExecutorService timer;

    public RetentionChore(TaskStore store, Duration retention, Clock clock, Consumer<List<String>> pruned) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("the retention must be longer than 0");
        }
        this.store = store;
        this.retention = retention;
        this.clock = clock;
        this.pruned = pruned;
    }

    /** One turn: prunes what is due now, and answers the ids removed. */
    public List<String> runOnce() {
        List<String> gone = store.prune(Set.of(TaskStatus.COMPLETED), clock.instant().minus(retention));
        if (!gone.isEmpty()) {
            pruned.accept(gone);
        }
        return gone;
    }

    public synchronized void start() {
        Duration every = retention.dividedBy(10);
        every = every.compareTo(MOST) > 0 ? MOST : every.compareTo(LEAST) < 0 ? LEAST : every;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "vivarium-retention");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException e) {
                // tried again at the next turn
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
