package io.vivarium.task;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The rules of time that every store applies alike: when a task may start by its time, and what becomes of a
 * recurring task once an occurrence is over (its retries used up or not needed): pending again for its next one,
 * whatever the outcome.
 */
public final class Occurrences {

    private Occurrences() {
    }

    /** When {@code task} may start by its time ({@code run} may be null): its entry's next occurrence, else its run_at. */
    public static Instant dueAt(Task task, TaskRun run) {
        if (run != null && run.runAt() != null) {
            return run.runAt();
        }
        return task.runAt();
    }

    /** Whether {@code task} waits for its time at {@code now}. */
    public static boolean waitsForTime(Task task, TaskRun run, Instant now) {
        Instant due = dueAt(task, run);
        return due != null && due.isAfter(now);
    }

    /** A pending task and the time it waits for. */
    public record Due(Task task, Instant at) {

        /** {@code nightly starts at 03:00 (in 5h 10m)}. */
        public String describe(Instant now) {
            return task.id() + " " + Schedules.startsAt(at, now, task.zone());
        }
    }

    /** The pending task whose time comes first after {@code now}, if any waits for its time. */
    public static Optional<Due> nextDue(List<Task> queue, Function<String, TaskRun> runs, Instant now) {
        Due first = null;
        for (Task task : queue) {
            TaskRun run = runs.apply(task.id());
            Instant due = dueAt(task, run);
            if (due != null && due.isAfter(now) && (run == null || run.status() == TaskStatus.PENDING)
                    && (first == null || due.isBefore(first.at()))) {
                first = new Due(task, due);
            }
        }
        return Optional.ofNullable(first);
    }

    /** How many pending tasks wait for their time at {@code now}. */
    public static int waitingForTime(List<Task> queue, Function<String, TaskRun> runs, Instant now) {
        int n = 0;
        for (Task task : queue) {
            TaskRun run = runs.apply(task.id());
            if ((run == null || run.status() == TaskStatus.PENDING) && waitsForTime(task, run, now)) {
                n++;
            }
        }
        return n;
    }

    /** {@link TaskRun#attemptEnded}, and for a recurring task whose occurrence it ended, its next occurrence. */
    public static TaskRun attemptEnded(Task task, TaskRun run, Instant now, GrindResult outcome, RetryPolicy retry) {
        return rollOver(task, run, run.attemptEnded(task.id(), now, outcome, task.maxAttempts(), retry), now);
    }

    /** {@link TaskRun#abandon}, and for a recurring task whose occurrence it ended, its next occurrence. */
    public static TaskRun abandoned(Task task, TaskRun run, Instant now, String reason) {
        TaskRun after = run.abandon(task.id(), now, reason, run.attempts() < task.maxAttempts(), task.maxBudget());
        return rollOver(task, run, after, now);
    }

    private static TaskRun rollOver(Task task, TaskRun before, TaskRun after, Instant now) {
        if (!task.recurring() || (after.status() != TaskStatus.COMPLETED && after.status() != TaskStatus.FAILED)) {
            return after;
        }
        Instant due = dueAt(task, before);
        Instant from = due != null ? due : before.startedAt() != null ? before.startedAt() : now;
        return Recurrence.of(task).flatMap(r -> r.next(from, now))
                .map(next -> after.nextOccurrence(task.id(), next))
                .orElse(after);
    }
}
