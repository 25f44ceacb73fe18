package io.vivarium.api;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vivarium.store.QueueStatus;
import io.vivarium.store.TaskStore;
import io.vivarium.task.QueueLimits;
import io.vivarium.task.TaskStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.springframework.stereotype.Component;

/**
 * The meters of each queue, read from the store at scrape time (at most once a second, whoever asks):
 * {@code vivarium.queue.tasks{queue,status}}, {@code vivarium.queue.running}, {@code vivarium.queue.paused} (1 when
 * held by its own pause or the workspace's), {@code vivarium.queue.concurrency.limit} and
 * {@code vivarium.queue.rate.limit} (starts per second; NaN without a limit), and {@code vivarium.paused} for the
 * whole workspace. Queues come and go, so each meter is a {@link MultiGauge} whose rows are renewed when the set of
 * queues changes; a queue that appeared since the last look shows from the next scrape on. Rows read their value by
 * the queue's name, so a row that stays is never replaced: replacing one while a scrape reads it would show it
 * twice.
 */
@Component
class QueueMetrics {

    private static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final TaskStore store;
    private final AtomicReference<Seen> seen = new AtomicReference<>();
    private final MultiGauge tasks;
    private final MultiGauge running;
    private final MultiGauge paused;
    private final MultiGauge concurrency;
    private final MultiGauge rate;
    /** The queue names the rows stand for now; rows are renewed only when this changes. */
    private volatile Set<String> registered = Set.of();

    /** The queues as last read, by name, and whether the workspace was paused. */
    private record Seen(Map<String, QueueStatus> queues, boolean paused, long at) {
    }

    QueueMetrics(MeterRegistry registry, TaskStore store) {
        this.store = store;
        this.tasks = MultiGauge.builder("vivarium.queue.tasks").description("Tasks in a queue by state")
                .baseUnit("tasks").register(registry);
        this.running = MultiGauge.builder("vivarium.queue.running").description("Tasks of a queue running now")
                .baseUnit("tasks").register(registry);
        this.paused = MultiGauge.builder("vivarium.queue.paused")
                .description("1 when nothing of the queue starts: it or the workspace is paused").register(registry);
        this.concurrency = MultiGauge.builder("vivarium.queue.concurrency.limit")
                .description("At most this many of the queue's tasks run at once (NaN: no limit)").register(registry);
        this.rate = MultiGauge.builder("vivarium.queue.rate.limit")
                .description("At most this many starts per second, averaged over the rate's period (NaN: no limit)")
                .register(registry);
        Gauge.builder("vivarium.paused", () -> current().map(s -> s.paused() ? 1.0 : 0.0).orElse(Double.NaN))
                .description("1 while the whole workspace is paused: nothing new starts").register(registry);
        current();
    }

    private java.util.Optional<Seen> current() {
        Seen cached = seen.get();
        long now = System.nanoTime();
        if (cached == null || now - cached.at() > TTL_NANOS) {
            try {
                Map<String, QueueStatus> byName = new LinkedHashMap<>();
                for (QueueStatus queue : store.queues()) {
                    byName.put(queue.name(), queue);
                }
                cached = new Seen(byName, store.flowSettings().paused(), now);
            } catch (RuntimeException unreadable) {
                return java.util.Optional.ofNullable(cached);
            }
            seen.set(cached);
            if (!cached.queues().keySet().equals(registered)) {
                renew(cached.queues().keySet());
            }
        }
        return java.util.Optional.of(cached);
    }

    private synchronized void renew(Set<String> names) {
        if (names.equals(registered)) {
            return;
        }
        List<MultiGauge.Row<?>> taskRows = new ArrayList<>();
        List<MultiGauge.Row<?>> runningRows = new ArrayList<>();
        List<MultiGauge.Row<?>> pausedRows = new ArrayList<>();
        List<MultiGauge.Row<?>> concurrencyRows = new ArrayList<>();
        List<MultiGauge.Row<?>> rateRows = new ArrayList<>();
        for (String name : names) {
            Tags queue = Tags.of("queue", name);
            for (TaskStatus status : TaskStatus.values()) {
                taskRows.add(row(queue.and("status", status.wireName()), name, q -> q.tasks().count(status)));
            }
            runningRows.add(row(queue, name, q -> q.tasks().inProgress()));
            pausedRows.add(row(queue, name, q -> q.paused() ? 1 : 0));
            concurrencyRows.add(row(queue, name, q -> q.limits().concurrency() == null ? Double.NaN
                    : q.limits().concurrency()));
            rateRows.add(row(queue, name, QueueMetrics::startsPerSecond));
        }
        tasks.register(taskRows, false);
        running.register(runningRows, false);
        paused.register(pausedRows, false);
        concurrency.register(concurrencyRows, false);
        rate.register(rateRows, false);
        registered = Set.copyOf(names);
    }

    /** A row whose value is read from the queue as last seen: NaN once the queue is gone. */
    private MultiGauge.Row<QueueMetrics> row(Tags tags, String name, ToDoubleFunction<QueueStatus> value) {
        return MultiGauge.Row.of(tags, this, self -> self.current()
                .map(s -> s.queues().get(name))
                .map(value::applyAsDouble)
                .orElse(Double.NaN));
    }

    private static double startsPerSecond(QueueStatus queue) {
        QueueLimits limits = queue.limits();
        if (limits.rate() == null) {
            return Double.NaN;
        }
        return (double) limits.rate().starts() / limits.rate().period().toSeconds();
    }
}
