package io.vivarium.spend;

import io.vivarium.task.Money;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A workspace's spend, kept by its store in the same atomic write as the claims and finishes that move it: the
 * limit kept in the store (if any), what has been spent (every attempt's charge since the queue was last cleared),
 * what the running claims reserve (each running task's {@code max_budget}) and the spend by day (UTC). All in
 * micro-dollars, so sums are exact.
 *
 * <p>The rule, {@link #fits}: a task may be claimed when spent + reserved + its {@code max_budget} is at most the
 * ceiling, the smaller of the store's limit and the claiming process's own. A claim reserves; whatever ends it gives
 * back the reservation and charges no more than it (a grind is never charged above its cap, and an attempt that
 * ended without a result is charged exactly its reservation). So spent + reserved only grows through claims that
 * fit, and never passes the ceiling, however many processes claim at once, as long as the store checks and reserves
 * in the write that claims.
 */
public record SpendLedger(Optional<SpendLimit> limit, long spentMicros, long reservedMicros,
                          SortedMap<LocalDate, Long> spentByDay) {

    public SpendLedger {
        if (spentMicros < 0 || reservedMicros < 0) {
            throw new IllegalArgumentException("spent and reserved must not be negative");
        }
        spentByDay = Collections.unmodifiableSortedMap(new TreeMap<>(spentByDay));
    }

    public static SpendLedger empty() {
        return new SpendLedger(Optional.empty(), 0, 0, new TreeMap<>());
    }

    /**
     * The ledger that these tasks' runs imply, for a store that has kept none yet (written by a Vivarium before spend
     * was kept) or that is being filled with a queue's history: their spend, counted on the day of {@code now}, the
     * day it entered the ledger, and each running task's reservation.
     */
    public static SpendLedger of(Collection<Task> tasks, Function<String, TaskRun> runs, Instant now) {
        SpendChange total = SpendChange.NONE;
        for (Task task : tasks) {
            TaskRun run = runs.apply(task.id());
            if (run != null) {
                total = total.plus(SpendChange.of(task, null, run));
            }
        }
        return empty().apply(total, now);
    }

    /** The ceiling a process with {@code processLimit} claims under: the smaller of its own and the store's. */
    public Optional<SpendLimit> ceiling(Optional<SpendLimit> processLimit) {
        return SpendLimit.tighter(limit, processLimit);
    }

    /** What is left under the ceiling for new claims (none when spent and reserved already reach it); empty: no ceiling. */
    public OptionalLong room(Optional<SpendLimit> processLimit) {
        Optional<SpendLimit> ceiling = ceiling(processLimit);
        return ceiling.isEmpty() ? OptionalLong.empty()
                : OptionalLong.of(Math.max(0, ceiling.get().micros() - spentMicros - reservedMicros));
    }

    /** The rule every claim obeys. */
    public boolean fits(Task task, Optional<SpendLimit> processLimit) {
        OptionalLong room = room(processLimit);
        return room.isEmpty() || Money.micros(task.maxBudget()) <= room.getAsLong();
    }

    /** How many of these tasks, runnable but for their budget, do not fit now. */
    public long notFitting(Collection<Task> runnable, Optional<SpendLimit> processLimit) {
        return runnable.stream().filter(task -> !fits(task, processLimit)).count();
    }

    /** The ledger after a write's change, its charges counted on the UTC day of {@code at}. */
    public SpendLedger apply(SpendChange change, Instant at) {
        if (change.isNone()) {
            return this;
        }
        TreeMap<LocalDate, Long> days = new TreeMap<>(spentByDay);
        if (change.spentMicros() != 0) {
            days.merge(LocalDate.ofInstant(at, ZoneOffset.UTC), change.spentMicros(), Long::sum);
        }
        return new SpendLedger(limit, spentMicros + change.spentMicros(), reservedMicros + change.reservedMicros(),
                days);
    }

    /** Another limit kept in the store (empty: none); what was spent stays. */
    public SpendLedger withLimit(Optional<SpendLimit> newLimit) {
        return new SpendLedger(newLimit, spentMicros, reservedMicros, spentByDay);
    }

    /** After the queue is cleared: nothing spent or reserved any more; the limit stays, as workspace policy. */
    public SpendLedger cleared() {
        return new SpendLedger(limit, 0, 0, new TreeMap<>());
    }

    /** The same figures with the days replaced, for a store that keeps the days apart from the rest. */
    public SpendLedger withDays(Map<LocalDate, Long> days) {
        return new SpendLedger(limit, spentMicros, reservedMicros, new TreeMap<>(days));
    }

    public double spent() {
        return Money.dollars(spentMicros);
    }

    public double reserved() {
        return Money.dollars(reservedMicros);
    }
}
