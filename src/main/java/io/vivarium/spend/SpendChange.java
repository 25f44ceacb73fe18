package io.vivarium.spend;

import io.vivarium.task.Money;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;

/**
 * What one write does to the spend ledger, in micro-dollars: the charges it records and the change in what running
 * claims reserve. Derived from each task's run before and after the write, so a store needs no rule of its own: a
 * claim reserves the task's {@code max_budget}, and whatever ends the claim (a finish, a release, an abandon, a
 * cancel) gives the reservation back and adds what the run's {@code spent} grew by.
 */
public record SpendChange(long spentMicros, long reservedMicros) {

    public static final SpendChange NONE = new SpendChange(0, 0);

    /** {@code before} is null for a task that had no run entry yet. */
    public static SpendChange of(Task task, TaskRun before, TaskRun after) {
        TaskRun was = before == null ? TaskRun.pending() : before;
        long spent = Money.micros(after.spentOrZero()) - Money.micros(was.spentOrZero());
        long reserved = reservation(task, after) - reservation(task, was);
        return spent == 0 && reserved == 0 ? NONE : new SpendChange(spent, reserved);
    }

    /** What a run holds against the limit: its task's whole cap while it runs, nothing otherwise. */
    public static long reservation(Task task, TaskRun run) {
        return run != null && run.status() == TaskStatus.IN_PROGRESS ? Money.micros(task.maxBudget()) : 0;
    }

    public SpendChange plus(SpendChange other) {
        if (other.equals(NONE)) {
            return this;
        }
        return new SpendChange(spentMicros + other.spentMicros, reservedMicros + other.reservedMicros);
    }

    public boolean isNone() {
        return spentMicros == 0 && reservedMicros == 0;
    }
}
