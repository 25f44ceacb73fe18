package io.vivarium.task;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the {@link FlowSettings} leave room for at one moment: for each limited queue, how many of its tasks run
 * now and when its recent starts were. A store builds it from its own state for a claim; {@link StartRule} reads
 * it; {@link #afterStarting} counts a start made in the same write, so a commit that claims several tasks holds
 * each queue to its limits among them too. Immutable.
 */
public final class FlowRoom {

    public static final FlowRoom NONE = new FlowRoom(FlowSettings.NONE, Map.of(), Map.of());

    private final FlowSettings settings;
    private final Map<String, Integer> running;
    /** Per rate-limited queue, its starts within the rate's period before the moment of the claim, oldest first. */
    private final Map<String, List<Instant>> starts;

    private FlowRoom(FlowSettings settings, Map<String, Integer> running, Map<String, List<Instant>> starts) {
        this.settings = settings;
        this.running = running;
        this.starts = starts;
    }

    /**
     * The room under {@code settings}: {@code runningIn} answers how many tasks of a queue run now (asked only for
     * queues with a concurrency limit), {@code startsIn} a queue's recent start times in any order (asked only for
     * queues with a rate; older ones than its period are dropped here).
     */
    public static FlowRoom of(FlowSettings settings, Instant now, Function<String, Integer> runningIn,
                              Function<String, List<Instant>> startsIn) {
        if (!settings.isActive()) {
            return NONE;
        }
        Map<String, Integer> running = new HashMap<>();
        Map<String, List<Instant>> starts = new HashMap<>();
        settings.queues().forEach((queue, limits) -> {
            if (limits.concurrency() != null) {
                running.put(queue, runningIn.apply(queue));
            }
            if (limits.rate() != null) {
                Instant since = now.minus(limits.rate().period());
                List<Instant> recent = new ArrayList<>();
                for (Instant at : startsIn.apply(queue)) {
                    if (at.isAfter(since)) {
                        recent.add(at);
                    }
                }
                recent.sort(null);
                starts.put(queue, List.copyOf(recent));
            }
        });
        return new FlowRoom(settings, Map.copyOf(running), Map.copyOf(starts));
    }

    public FlowSettings settings() {
        return settings;
    }

    /** Whether anything here can stop a task: when not, {@link #check} always answers start. */
    public boolean isActive() {
        return settings.isActive();
    }

    /** Whether a task of {@code queue} may start at {@code now}, or why not: the flow's part of {@link StartRule}. */
    public StartRule.Verdict check(String queue, Instant now) {
        if (settings.paused()) {
            return new StartRule.Verdict(StartRule.Reason.PAUSED, "the workspace is paused (vivarium resume)", null);
        }
        QueueLimits limits = settings.of(queue);
        if (limits.paused()) {
            return new StartRule.Verdict(StartRule.Reason.PAUSED, "queue '" + queue + "' is paused (vivarium queue "
                    + "resume " + queue + ")", null);
        }
        Integer concurrency = limits.concurrency();
        if (concurrency != null && running.getOrDefault(queue, 0) >= concurrency) {
            return new StartRule.Verdict(StartRule.Reason.QUEUE_LIMIT, "queue '" + queue + "' runs "
                    + running.getOrDefault(queue, 0) + " of its " + concurrency + " at once", null);
        }
        Rate rate = limits.rate();
        if (rate != null) {
            Instant free = nextFreeStart(queue, rate);
            if (free != null && free.isAfter(now)) {
                return new StartRule.Verdict(StartRule.Reason.QUEUE_LIMIT, "queue '" + queue + "' started "
                        + rate.starts() + " within " + Durations.format(rate.period()) + " (rate " + rate
                        + "); next start in " + Durations.format(java.time.Duration.between(now, free)), free);
            }
        }
        return StartRule.Verdict.START;
    }

    /**
     * The moment the queue's rate lets its next task start: the oldest of its last {@code starts} starts, plus the
     * period (windows are half-open, so no window of one period ever holds more than {@code starts}); null when
     * fewer than that started within the period.
     */
    private Instant nextFreeStart(String queue, Rate rate) {
        List<Instant> recent = starts.getOrDefault(queue, List.of());
        if (recent.size() < rate.starts()) {
            return null;
        }
        return recent.get(recent.size() - rate.starts()).plus(rate.period());
    }

    /** The room after a task of {@code queue} started at {@code now}. */
    public FlowRoom afterStarting(String queue, Instant now) {
        if (!settings.isActive()) {
            return this;
        }
        QueueLimits limits = settings.of(queue);
        Map<String, Integer> nextRunning = running;
        Map<String, List<Instant>> nextStarts = starts;
        if (limits.concurrency() != null) {
            nextRunning = new HashMap<>(running);
            nextRunning.merge(queue, 1, Integer::sum);
        }
        if (limits.rate() != null) {
            nextStarts = new HashMap<>(starts);
            List<Instant> recent = new ArrayList<>(starts.getOrDefault(queue, List.of()));
            recent.add(now);
            nextStarts.put(queue, recent);
        }
        return new FlowRoom(settings, nextRunning, nextStarts);
    }
}
