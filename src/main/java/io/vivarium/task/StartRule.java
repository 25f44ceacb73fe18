package io.vivarium.task;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Whether a task may start now and, if not, why: the one rule of what runs. The file store's indexes
 * ({@code WorkspaceState}), the dry run and the overview call it; the PostgreSQL claim ({@code Claiming}) mirrors it
 * in SQL, and {@code StartRuleAgreement} (run on both stores) checks on thousands of random queues that both stores claim exactly
 * what it allows, in the same order.
 *
 * <p>The checks run in the order of {@link Reason}: first what only a write can change (status, dependencies:
 * {@link #standing}), then what the clock changes ({@link #timed}), then what the spend ledger changes. A store
 * keeps an index by the first part and a timeline by the second, and asks the third at claim time.
 *
 * <p>A scheduled start ({@code run_at}) is a reason of {@link #timed} (the later of it and the backoff); a pause
 * and a queue's limits ({@link FlowRoom}) are asked with the budget, from the {@link Context}: they change with
 * every claim and finish, so no index can hold them. The PostgreSQL claim mirrors each, and the agreement test
 * generates each.
 */
public final class StartRule {

    private StartRule() {
    }

    /** Why a task may not start now, in the order the rule asks. */
    public enum Reason {
        /** Running, or ended (completed, failed, cancelled): not the scheduler's to start. */
        NOT_PENDING,
        /** Blocked, or pending behind a dependency that failed, was cancelled, is blocked or is not in the queue. */
        BLOCKED,
        /** A dependency has not completed yet. */
        DEPENDENCY,
        /** Its time has not come: {@code run_at}, or a recurring task's next occurrence ({@link Occurrences#dueAt}). */
        SCHEDULED,
        /** A failed attempt's retry backoff has not ended ({@link TaskRun#backoffUntil()}). */
        BACKOFF,
        /** The workspace is paused, or its queue is ({@code vivarium pause}, {@code vivarium queue pause}). */
        PAUSED,
        /**
         * Its queue runs as many at once as its concurrency allows, or started as many within the period as its
         * rate allows (then {@code until} says when the next may start).
         */
        QUEUE_LIMIT,
        /** Its {@code max_budget} does not fit in the room left under the spend limit. */
        BUDGET
    }

    /**
     * The rule's answer: may start ({@link #START}), or a reason with a line for people and, for a wait that ends
     * by the clock, {@code until}.
     */
    public record Verdict(Reason reason, String detail, Instant until) {

        public static final Verdict START = new Verdict(null, null, null);

        public boolean mayStart() {
            return reason == null;
        }
    }

    /**
     * Everything the rule reads besides the task, its run and its dependencies' statuses: the time, the room left
     * under the spend limit in micro-dollars (empty: no limit), and what the pause and the queues' limits leave.
     */
    public record Context(Instant now, OptionalLong roomMicros, FlowRoom flow) {

        public Context {
            flow = flow == null ? FlowRoom.NONE : flow;
        }

        public Context(Instant now, OptionalLong roomMicros) {
            this(now, roomMicros, FlowRoom.NONE);
        }

        public static Context at(Instant now) {
            return new Context(now, OptionalLong.empty());
        }

        /** The room after a task started under this context: its whole cap reserved, one more start in its queue. */
        public Context afterStarting(Task task) {
            OptionalLong room = roomMicros.isEmpty() ? roomMicros
                    : OptionalLong.of(roomMicros.getAsLong() - Money.micros(task.maxBudget()));
            return new Context(now, room, flow.afterStarting(task.queueName(), now));
        }
    }

    /**
     * The rule. {@code run} is null for a task with no run entry (pending); {@code statusOf} answers a dependency's
     * status, null when it is not in the queue.
     */
    public static Verdict check(Task task, TaskRun run, Function<String, TaskStatus> statusOf, Context context) {
        Verdict standing = standing(task, run, statusOf);
        if (!standing.mayStart()) {
            return standing;
        }
        Verdict timed = timed(task, run);
        if (!timed.mayStart() && timed.until().isAfter(context.now())) {
            return timed.reason() == Reason.SCHEDULED
                    ? new Verdict(Reason.SCHEDULED, Schedules.startsAt(timed.until(), context.now(), task.zone()),
                            timed.until())
                    : timed;
        }
        Verdict flow = context.flow().check(task.queueName(), context.now());
        if (!flow.mayStart()) {
            return flow;
        }
        return fits(task, context) ? Verdict.START : new Verdict(Reason.BUDGET, "max_budget of $"
                + Budget.format(task.maxBudget()) + " does not fit in the $"
                + Budget.format(Money.dollars(context.roomMicros().getAsLong())) + " left under the spend limit", null);
    }

    /** The part of the rule only a write changes: status and dependencies. A store indexes tasks by it. */
    public static Verdict standing(Task task, TaskRun run, Function<String, TaskStatus> statusOf) {
        TaskStatus status = run == null ? TaskStatus.PENDING : run.status();
        if (status == TaskStatus.BLOCKED) {
            return new Verdict(Reason.BLOCKED, run.error() == null ? "a dependency can never complete" : run.error(),
                    null);
        }
        if (status != TaskStatus.PENDING) {
            return new Verdict(Reason.NOT_PENDING, "is " + status, null);
        }
        String waitingFor = null;
        TaskStatus waitingStatus = null;
        for (String dep : task.dependsOn()) {
            TaskStatus depStatus = statusOf.apply(dep);
            if (neverCompletes(depStatus)) {
                return new Verdict(Reason.BLOCKED, blocking(dep, depStatus), null);
            }
            if (depStatus != TaskStatus.COMPLETED && waitingFor == null) {
                waitingFor = dep;
                waitingStatus = depStatus;
            }
        }
        return waitingFor == null ? Verdict.START
                : new Verdict(Reason.DEPENDENCY, "waits for '" + waitingFor + "' (" + waitingStatus + ")", null);
    }

    /**
     * The part of the rule the clock ends: the moment a task that {@link #standing stands} to start must wait for,
     * with why, or {@link Verdict#START} when it waits for none. A store keeps a timeline by {@code until}.
     */
    public static Verdict timed(Task task, TaskRun run) {
        Instant due = Occurrences.dueAt(task, run);
        if (run != null && run.backoffUntil() != null && (due == null || !due.isAfter(run.backoffUntil()))) {
            return new Verdict(Reason.BACKOFF, "retries after a backoff (attempt " + run.attempts() + " failed)",
                    run.backoffUntil());
        }
        if (due != null) {
            // Without the clock the line says only when; check() says how long, too.
            return new Verdict(Reason.SCHEDULED, "starts at " + due, due);
        }
        return Verdict.START;
    }

    /** The moment {@link #timed} ends, or null: what a store that keeps it in a column writes there. */
    public static Instant timedUntil(Task task, TaskRun run) {
        return timed(task, run).until();
    }

    /** Whether the task's whole cap fits in the room left under the spend limit; always, without a limit. */
    public static boolean fits(Task task, Context context) {
        return context.roomMicros().isEmpty() || Money.micros(task.maxBudget()) <= context.roomMicros().getAsLong();
    }

    /**
     * Why {@code task} can never run, if it cannot: its first dependency that failed, was cancelled, is blocked
     * itself or is not in the queue ({@code statusOf} answers null).
     */
    public static Optional<String> blockingReason(Task task, Function<String, TaskStatus> statusOf) {
        for (String dep : task.dependsOn()) {
            TaskStatus depStatus = statusOf.apply(dep);
            if (neverCompletes(depStatus)) {
                return Optional.of(blocking(dep, depStatus));
            }
        }
        return Optional.empty();
    }

    /** Missing (null), failed, cancelled or blocked: a dependency in this state never completes without a user. */
    private static boolean neverCompletes(TaskStatus status) {
        return status == null || status == TaskStatus.FAILED || status == TaskStatus.CANCELLED
                || status == TaskStatus.BLOCKED;
    }

    private static String blocking(String dep, TaskStatus status) {
        return status == null ? "dependency '" + dep + "' is not in the queue" : "dependency '" + dep + "' is " + status;
    }
}
