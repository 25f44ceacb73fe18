package io.vivarium.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vivarium.spend.SpendLimit;
import io.vivarium.spend.SpendStatus;
import io.vivarium.store.Lease;
import io.vivarium.store.Snapshot;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.Takeover;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Occurrences;
import io.vivarium.task.Summary;
import io.vivarium.task.TaskStatus;
import io.vivarium.worker.PoolListener;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * Vivarium's meters: tasks by state and the spend ledger (read from the store at scrape time), grinds started,
 * completed and failed with their durations, dollars spent, and claim takeovers by reason. Grinds from the embedded workers and from
 * {@code POST /grind} are counted alike, tagged by {@code source}.
 */
@Component
public class VivariumMetrics implements PoolListener {

    private static final long SUMMARY_TTL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final MeterRegistry registry;
    private final TaskStore store;
    private final StoreSettings settings;
    private final Clock clock;
    private final AtomicReference<CachedSummary> summary = new AtomicReference<>();
    private final AtomicReference<CachedSpend> spend = new AtomicReference<>();

    /** {@code scheduled}: the pending tasks that wait for their time, counted apart from the other pending ones. */
    private record CachedSummary(Summary summary, int scheduled, long at) {

        double count(TaskStatus status) {
            return status == TaskStatus.PENDING ? summary.count(status) - scheduled : summary.count(status);
        }
    }

    private record CachedSpend(SpendStatus spend, long at) {
    }

    VivariumMetrics(MeterRegistry registry, TaskStore store, StoreSettings settings, Clock clock) {
        this.clock = clock;
        this.registry = registry;
        this.store = store;
        this.settings = settings;
        for (TaskStatus status : TaskStatus.values()) {
            Gauge.builder("vivarium.tasks", () -> currentSummary().count(status))
                    .tag("state", status.wireName())
                    .description("Tasks in the queue by state")
                    .register(registry);
        }
        Gauge.builder("vivarium.tasks", () -> currentSummary().scheduled())
                .tag("state", "scheduled")
                .description("Tasks in the queue by state")
                .register(registry);
        // The store's ledger, as this server's workers claim under it: NaN when no ceiling applies.
        Gauge.builder("vivarium.spend.limit", () -> currentSpend()
                        .map(s -> s.ceiling().map(SpendLimit::dollars).orElse(Double.NaN)).orElse(Double.NaN))
                .baseUnit("dollars").description("The spend ceiling in effect: the store's limit or this server's, "
                        + "whichever is smaller").register(registry);
        Gauge.builder("vivarium.spend.reserved", () -> currentSpend().map(s -> s.ledger().reserved()).orElse(Double.NaN))
                .baseUnit("dollars").description("The max budgets of the running tasks, reserved against the limit")
                .register(registry);
        Gauge.builder("vivarium.spend.spent", () -> currentSpend().map(s -> s.ledger().spent()).orElse(Double.NaN))
                .baseUnit("dollars").description("Every attempt's charge since the queue was last cleared")
                .register(registry);
        Gauge.builder("vivarium.spend.waiting", () -> currentSpend().map(s -> (double) s.waitingForBudget())
                        .orElse(Double.NaN))
                .baseUnit("tasks").description("Tasks that could run now but for the budget").register(registry);
    }

    public void grindStarted(String source) {
        Counter.builder("vivarium.grinds.started").tag("source", source).register(registry).increment();
    }

    public void grindFinished(String source, GrindResult result, Duration took) {
        String outcome = result.succeeded() ? "completed" : "failed";
        Counter.builder("vivarium.grinds." + outcome).tag("source", source).register(registry).increment();
        Timer.builder("vivarium.grind.duration").tag("source", source).tag("outcome", outcome)
                .register(registry).record(took);
        Counter.builder("vivarium.budget.spent").baseUnit("dollars").tag("source", source)
                .description("Dollars charged by grinds").register(registry).increment(result.budgetUsed());
    }

    @Override
    public void started(Lease lease) {
        grindStarted("worker");
    }

    @Override
    public void finished(Lease lease, GrindResult result, Duration took) {
        grindFinished("worker", result, took);
    }

    @Override
    public void lost(Lease lease) {
        Counter.builder("vivarium.claims.lost").description("Results not recorded because the claim was lost")
                .register(registry).increment();
    }

    @Override
    public void tookOver(Takeover takeover) {
        Counter.builder("vivarium.claim.takeovers").tag("reason", takeover.reason().name().toLowerCase())
                .register(registry).increment();
    }

    @Override
    public void failed(RuntimeException error) {
        Counter.builder("vivarium.store.errors").tag("type", error.getClass().getSimpleName())
                .register(registry).increment();
    }

    private Optional<SpendStatus> currentSpend() {
        CachedSpend cached = spend.get();
        long now = System.nanoTime();
        if (cached == null || now - cached.at() > SUMMARY_TTL_NANOS) {
            try {
                cached = new CachedSpend(store.spend(settings.spendLimit()), now);
            } catch (RuntimeException unreadable) {
                return Optional.ofNullable(cached).map(CachedSpend::spend);
            }
            spend.set(cached);
        }
        return Optional.of(cached.spend());
    }

    private CachedSummary currentSummary() {
        CachedSummary cached = summary.get();
        long now = System.nanoTime();
        if (cached == null || now - cached.at() > SUMMARY_TTL_NANOS) {
            try {
                Summary counts = store.summary();
                // Only a queue with pending tasks is read whole, to find those that wait for their time.
                Snapshot snapshot = counts.pending() == 0 ? null : store.snapshot();
                cached = snapshot == null ? new CachedSummary(counts, 0, now) : new CachedSummary(snapshot.summary(),
                        Occurrences.waitingForTime(snapshot.tasks(), snapshot.runs()::get, clock.instant()), now);
            } catch (RuntimeException unreadable) {
                return cached == null ? new CachedSummary(new Summary(0, 0, 0, 0, 0, 0, 0, 0), 0, now) : cached;
            }
            summary.set(cached);
        }
        return cached;
    }
}
