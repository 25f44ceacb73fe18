package io.vivarium.task;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A task's entry in {@code execution_log.json}: where it is in its lifecycle and what its last attempt did.
 * Immutable; every change is an intent method that checks {@link TaskStatus}'s table and returns a copy.
 *
 * <p>{@code budget_used} is what the last attempt cost. {@code spent}, {@code tokens_in} and {@code tokens_out} add
 * up every attempt since the task was added, retried ones included: they are what the spend ledger and the cost
 * report count, and a retry keeps them. An attempt that ended without a result (its worker died, its claim was
 * removed, the task was cancelled while it ran) is charged its whole reservation, its {@code max_budget}: it may
 * have spent that much, and nobody is left to say it spent less.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"worker_id", "status", "attempts", "started_at", "completed_at", "budget_used", "result", "error",
        "exit_code", "not_before", "output", "spent", "tokens_in", "tokens_out", "run_at", "runs"})
public record TaskRun(
        String workerId,
        TaskStatus status,
        Integer attempts,
        Instant startedAt,
        Instant completedAt,
        Double budgetUsed,
        String result,
        String error,
        Integer exitCode,
        @JsonProperty("not_before") Instant backoffUntil,
        String output,
        Double spent,
        Long tokensIn,
        Long tokensOut,
        Instant runAt,
        List<PastRun> runs,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    public TaskRun {
        status = status == null ? TaskStatus.PENDING : status;
        attempts = attempts == null ? 0 : Math.max(0, attempts);
        // An entry written before spend was kept: its last attempt's cost is all that is known of it.
        spent = spent == null ? budgetUsed : spent;
        spent = nonNegative("spent", spent);
        spent = spent != null && spent == 0 ? null : spent;
        tokensIn = count("tokens_in", tokensIn);
        tokensOut = count("tokens_out", tokensOut);
        runs = runs == null || runs.isEmpty() ? null : List.copyOf(runs);
        extra = extra == null || extra.isEmpty() ? Map.of() : new LinkedHashMap<>(extra);
    }

    /** Shared: every task without an entry reads as this one, and an entry never changes. */
    private static final TaskRun PENDING = legacy(TaskStatus.PENDING);

    public static TaskRun pending() {
        return PENDING;
    }

    /** A task that finished before the log existed (the old queue format's {@code completed}/{@code failed} lists). */
    public static TaskRun legacy(TaskStatus status) {
        return new Builder().status(status).build();
    }

    public TaskRun claim(String taskId, String worker, Instant now) {
        require(taskId, TaskStatus.IN_PROGRESS);
        return carried().workerId(worker).status(TaskStatus.IN_PROGRESS).attempts(attempts + 1).startedAt(now)
                .build();
    }

    public TaskRun complete(String taskId, Instant now, GrindResult outcome) {
        require(taskId, TaskStatus.COMPLETED);
        return attemptOutcome(outcome).status(TaskStatus.COMPLETED).completedAt(now).error(null).backoffUntil(null)
                .build();
    }

    /** A failed attempt: back to pending until {@code retryAt} when attempts are left, else failed for good. */
    public TaskRun fail(String taskId, Instant now, GrindResult outcome, Instant retryAt) {
        TaskStatus target = retryAt == null ? TaskStatus.FAILED : TaskStatus.PENDING;
        require(taskId, target);
        return attemptOutcome(outcome).status(target).completedAt(now).error(outcome.error()).backoffUntil(retryAt)
                .build();
    }

    /**
     * The end of an attempt, whichever way it went: completed, or failed. A failure that may be tried again, with
     * attempts left out of {@code maxAttempts}, goes back to pending until {@code retry}'s backoff ends.
     */
    public TaskRun attemptEnded(String taskId, Instant now, GrindResult outcome, int maxAttempts, RetryPolicy retry) {
        TaskRun ended;
        if (outcome.succeeded()) {
            ended = complete(taskId, now, outcome);
        } else {
            boolean again = outcome.retryable() && attempts < maxAttempts;
            ended = fail(taskId, now, outcome, again ? retry.nextAttemptAt(attempts, now) : null);
        }
        return outcome.code() == null ? ended : ended.withCode(outcome.code());
    }

    /** What the last code grind did in its worktree, or null when the task is no code grind (or has not run). */
    public CodeRun code() {
        return CodeRun.from(extra);
    }

    /**
     * A reviewer's verdict on the change a code grind made: only a change that completed and waits for review
     * can be accepted or rejected, once.
     */
    public TaskRun reviewed(String taskId, CodeRun.Review verdict, String feedback) {
        CodeRun code = code();
        if (code == null || code.commit() == null) {
            throw new ReviewException(taskId, taskId + " has no change to review");
        }
        if (code.review() != CodeRun.Review.PENDING || status != TaskStatus.COMPLETED) {
            throw new ReviewException(taskId, taskId + "'s change is not waiting for review (it is "
                    + (code.review() == null ? status.wireName() : code.review().wireName()) + ")");
        }
        return withCode(code.withReview(verdict, feedback));
    }

    /** The same entry with these code fields in place of any it had. */
    public TaskRun withCode(CodeRun code) {
        Map<String, Object> fields = new LinkedHashMap<>(extra);
        fields.keySet().removeAll(CodeRun.FIELDS);
        if (code != null) {
            fields.putAll(code.toFields());
        }
        return toBuilder().extra(fields).build();
    }

    /**
     * The worker gave the task back unfinished (shutdown); the attempt does not count. What a grind it stopped had
     * already cost ({@code stopped}, null when none had started) is charged all the same.
     */
    public TaskRun release(String taskId, GrindResult stopped) {
        require(taskId, TaskStatus.PENDING);
        Builder next = toBuilder().workerId(null).status(TaskStatus.PENDING).attempts(Math.max(0, attempts - 1))
                .startedAt(null).completedAt(null).backoffUntil(null)
                .spent(plus(spent, stopped == null ? 0 : stopped.budgetUsed()));
        return stopped == null ? next.build() : next.tokensIn(plus(tokensIn, stopped.tokensIn()))
                .tokensOut(plus(tokensOut, stopped.tokensOut())).build();
    }

    /**
     * The worker running it was lost (died, hung past its lease, or its claim was removed). The attempt counts and
     * is charged its {@code reservation}; the task runs again if attempts are left, else it fails.
     */
    public TaskRun abandon(String taskId, Instant now, String reason, boolean attemptsLeft, double reservation) {
        TaskStatus target = attemptsLeft ? TaskStatus.PENDING : TaskStatus.FAILED;
        require(taskId, target);
        return toBuilder().workerId(attemptsLeft ? null : workerId).status(target)
                .completedAt(attemptsLeft ? null : now).result(null).error(reason).exitCode(null).backoffUntil(null)
                .spent(plus(spent, reservation)).build();
    }

    public TaskRun block(String taskId, Instant now, String reason) {
        require(taskId, TaskStatus.BLOCKED);
        return toBuilder().status(TaskStatus.BLOCKED).completedAt(now).result(null).error(reason).exitCode(null)
                .backoffUntil(null).output(null).build();
    }

    /** Cancelled by the user; an attempt that was running is charged its {@code reservation}, as if abandoned. */
    public TaskRun cancel(String taskId, Instant now, double reservation) {
        require(taskId, TaskStatus.CANCELLED);
        double charged = status == TaskStatus.IN_PROGRESS ? reservation : 0;
        return toBuilder().status(TaskStatus.CANCELLED).completedAt(now).result(null).error("cancelled by user")
                .exitCode(null).backoffUntil(null).spent(plus(spent, charged)).build();
    }

    /**
     * Back to pending with a fresh attempt count, as the user asked. A running task is cancelled first: retried in
     * place, its claim and grind would live on beside the next run.
     */
    public TaskRun retry(String taskId) {
        if (status == TaskStatus.IN_PROGRESS) {
            throw new IllegalTransitionException(taskId, status, TaskStatus.PENDING, "cancel it first");
        }
        require(taskId, TaskStatus.PENDING);
        return carried().status(TaskStatus.PENDING).build();
    }

    /** A copy to change by name: {@code run.toBuilder().error("x").build()}. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Only what outlives every attempt: the running totals the spend ledger counts, and fields this version does not
     * know. A claim and a user's retry start from here.
     */
    private Builder carried() {
        return new Builder().spent(spent).tokensIn(tokensIn).tokensOut(tokensOut).runAt(runAt).runs(runs)
                .extra(extra);
    }

    /** What an ended attempt reported, with its cost added to the running totals. */
    private Builder attemptOutcome(GrindResult outcome) {
        return toBuilder().budgetUsed(outcome.budgetUsed()).result(outcome.result()).exitCode(outcome.exitCode())
                .output(outcome.output()).spent(plus(spent, outcome.budgetUsed()))
                .tokensIn(plus(tokensIn, outcome.tokensIn())).tokensOut(plus(tokensOut, outcome.tokensOut()));
    }

    /**
     * A recurring task's occurrence is over (its last attempt completed or failed for good): it is remembered in
     * {@code runs} (the last {@link PastRun#KEPT}) and the task is pending again, waiting for {@code next}, with a
     * fresh attempt count. What the attempt said stays to be read until the next one starts.
     */
    public TaskRun nextOccurrence(String taskId, Instant next) {
        require(taskId, TaskStatus.PENDING);
        List<PastRun> kept = new ArrayList<>(runs == null ? List.of() : runs);
        kept.add(new PastRun(startedAt, completedAt, status, budgetUsed, attempts, error));
        if (kept.size() > PastRun.KEPT) {
            kept = kept.subList(kept.size() - PastRun.KEPT, kept.size());
        }
        return toBuilder().workerId(null).status(TaskStatus.PENDING).attempts(0).backoffUntil(null).runAt(next)
                .runs(kept).build();
    }

    /** The past occurrences of a recurring task, oldest first; empty for any other. */
    public List<PastRun> pastRuns() {
        return runs == null ? List.of() : runs;
    }

    /**
     * What a user's retry makes of this entry: a fresh attempt count, with the running totals kept; for a pending
     * task, only its backoff is dropped. Empty when there is nothing to retry (pending, waiting out no backoff).
     */
    public Optional<TaskRun> retried(String taskId) {
        if (status == TaskStatus.PENDING) {
            return backoffUntil == null ? Optional.empty() : Optional.of(carried().status(TaskStatus.PENDING).build());
        }
        return Optional.of(retry(taskId));
    }

    public double budgetOrZero() {
        return budgetUsed == null ? 0.0 : budgetUsed;
    }

    /** Every attempt's charge since the task was added. */
    public double spentOrZero() {
        return spent == null ? 0.0 : spent;
    }

    public long tokensInOrZero() {
        return tokensIn == null ? 0 : tokensIn;
    }

    public long tokensOutOrZero() {
        return tokensOut == null ? 0 : tokensOut;
    }

    /** A charge added to a running total, in whole micro-dollars; a total of nothing stays unwritten. */
    private static Double plus(Double total, double charge) {
        long micros = Money.micros(total == null ? 0 : total) + Math.max(0, Money.micros(charge));
        return micros == 0 ? total : Double.valueOf(Money.dollars(micros));
    }

    private static Long plus(Long total, long count) {
        long sum = (total == null ? 0 : total) + Math.max(0, count);
        return sum == 0 ? total : Long.valueOf(sum);
    }

    private static Double nonNegative(String field, Double dollars) {
        if (dollars != null && !(dollars >= 0 && Double.isFinite(dollars))) {
            throw new IllegalArgumentException(field + " must be a dollar amount of 0 or more (got " + dollars + ")");
        }
        return dollars;
    }

    private static Long count(String field, Long value) {
        if (value != null && value < 0) {
            throw new IllegalArgumentException(field + " must not be negative (got " + value + ")");
        }
        return value;
    }

    private void require(String taskId, TaskStatus target) {
        if (!status.canMoveTo(target)) {
            throw new IllegalTransitionException(taskId, status, target);
        }
    }

    /**
     * Builds a {@link TaskRun} by name. The one place besides the record header that lists every field, so a new
     * field is added here and nowhere else; the intent methods name only what they change.
     */
    public static final class Builder {
        private String workerId;
        private TaskStatus status;
        private Integer attempts;
        private Instant startedAt;
        private Instant completedAt;
        private Double budgetUsed;
        private String result;
        private String error;
        private Integer exitCode;
        private Instant backoffUntil;
        private String output;
        private Double spent;
        private Long tokensIn;
        private Long tokensOut;
        private Instant runAt;
        private List<PastRun> runs;
        private Map<String, Object> extra = Map.of();

        public Builder() {
        }

        private Builder(TaskRun run) {
            workerId = run.workerId;
            status = run.status;
            attempts = run.attempts;
            startedAt = run.startedAt;
            completedAt = run.completedAt;
            budgetUsed = run.budgetUsed;
            result = run.result;
            error = run.error;
            exitCode = run.exitCode;
            backoffUntil = run.backoffUntil;
            output = run.output;
            spent = run.spent;
            tokensIn = run.tokensIn;
            tokensOut = run.tokensOut;
            runAt = run.runAt;
            runs = run.runs;
            extra = run.extra;
        }

        public TaskRun build() {
            return new TaskRun(workerId, status, attempts, startedAt, completedAt, budgetUsed, result, error, exitCode,
                    backoffUntil, output, spent, tokensIn, tokensOut, runAt, runs, extra);
        }

        public Builder workerId(String value) {
            workerId = value;
            return this;
        }

        public Builder status(TaskStatus value) {
            status = value;
            return this;
        }

        public Builder attempts(Integer value) {
            attempts = value;
            return this;
        }

        public Builder startedAt(Instant value) {
            startedAt = value;
            return this;
        }

        public Builder completedAt(Instant value) {
            completedAt = value;
            return this;
        }

        public Builder budgetUsed(Double value) {
            budgetUsed = value;
            return this;
        }

        public Builder result(String value) {
            result = value;
            return this;
        }

        public Builder error(String value) {
            error = value;
            return this;
        }

        public Builder exitCode(Integer value) {
            exitCode = value;
            return this;
        }

        public Builder backoffUntil(Instant value) {
            backoffUntil = value;
            return this;
        }

        public Builder output(String value) {
            output = value;
            return this;
        }

        public Builder spent(Double value) {
            spent = value;
            return this;
        }

        public Builder tokensIn(Long value) {
            tokensIn = value;
            return this;
        }

        public Builder runAt(Instant value) {
            runAt = value;
            return this;
        }

        public Builder runs(List<PastRun> value) {
            runs = value;
            return this;
        }

        public Builder tokensOut(Long value) {
            tokensOut = value;
            return this;
        }

        public Builder extra(Map<String, Object> value) {
            extra = value;
            return this;
        }
    }
}
