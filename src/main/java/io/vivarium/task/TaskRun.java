package io.vivarium.task;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

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
        "exit_code", "not_before", "output", "spent", "tokens_in", "tokens_out"})
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
        Instant notBefore,
        String output,
        Double spent,
        Long tokensIn,
        Long tokensOut,
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
        extra = extra == null || extra.isEmpty() ? Map.of() : new LinkedHashMap<>(extra);
    }

    public static TaskRun pending() {
        return new TaskRun(null, TaskStatus.PENDING, 0, null, null, null, null, null, null, null, null, null, null,
                null, Map.of());
    }

    /** A task that finished before the log existed (the old queue format's {@code completed}/{@code failed} lists). */
    public static TaskRun legacy(TaskStatus status) {
        return new TaskRun(null, status, 0, null, null, null, null, null, null, null, null, null, null, null,
                Map.of());
    }

    /** Whether a worker may claim it now: pending and past any retry backoff. */
    public boolean isClaimableAt(Instant now) {
        return status == TaskStatus.PENDING && (notBefore == null || !notBefore.isAfter(now));
    }

    public TaskRun claim(String taskId, String worker, Instant now) {
        require(taskId, TaskStatus.IN_PROGRESS);
        return new TaskRun(worker, TaskStatus.IN_PROGRESS, attempts + 1, now, null, null, null, null, null, null,
                null, spent, tokensIn, tokensOut, extra);
    }

    public TaskRun complete(String taskId, Instant now, GrindResult outcome) {
        require(taskId, TaskStatus.COMPLETED);
        return new TaskRun(workerId, TaskStatus.COMPLETED, attempts, startedAt, now, outcome.budgetUsed(),
                outcome.result(), null, outcome.exitCode(), null, outcome.output(), plus(spent, outcome.budgetUsed()),
                plus(tokensIn, outcome.tokensIn()), plus(tokensOut, outcome.tokensOut()), extra);
    }

    /** A failed attempt: back to pending until {@code retryAt} when attempts are left, else failed for good. */
    public TaskRun fail(String taskId, Instant now, GrindResult outcome, Instant retryAt) {
        TaskStatus target = retryAt == null ? TaskStatus.FAILED : TaskStatus.PENDING;
        require(taskId, target);
        return new TaskRun(workerId, target, attempts, startedAt, now, outcome.budgetUsed(), outcome.result(),
                outcome.error(), outcome.exitCode(), retryAt, outcome.output(), plus(spent, outcome.budgetUsed()),
                plus(tokensIn, outcome.tokensIn()), plus(tokensOut, outcome.tokensOut()), extra);
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

    /** The same entry with these code fields in place of any it had. */
    public TaskRun withCode(CodeRun code) {
        Map<String, Object> fields = new LinkedHashMap<>(extra);
        fields.keySet().removeAll(CodeRun.FIELDS);
        if (code != null) {
            fields.putAll(code.toFields());
        }
        return new TaskRun(workerId, status, attempts, startedAt, completedAt, budgetUsed, result, error, exitCode,
                notBefore, output, spent, tokensIn, tokensOut, fields);
    }

    /**
     * The worker gave the task back unfinished (shutdown); the attempt does not count. What a grind it stopped had
     * already cost ({@code stopped}, null when none had started) is charged all the same.
     */
    public TaskRun release(String taskId, GrindResult stopped) {
        require(taskId, TaskStatus.PENDING);
        double charged = stopped == null ? 0 : stopped.budgetUsed();
        return new TaskRun(null, TaskStatus.PENDING, Math.max(0, attempts - 1), null, null, budgetUsed, result,
                error, exitCode, null, output, plus(spent, charged),
                stopped == null ? tokensIn : plus(tokensIn, stopped.tokensIn()),
                stopped == null ? tokensOut : plus(tokensOut, stopped.tokensOut()), extra);
    }

    /**
     * The worker running it was lost (died, hung past its lease, or its claim was removed). The attempt counts and
     * is charged its {@code reservation}; the task runs again if attempts are left, else it fails.
     */
    public TaskRun abandon(String taskId, Instant now, String reason, boolean attemptsLeft, double reservation) {
        TaskStatus target = attemptsLeft ? TaskStatus.PENDING : TaskStatus.FAILED;
        require(taskId, target);
        return new TaskRun(attemptsLeft ? null : workerId, target, attempts, startedAt, attemptsLeft ? null : now,
                budgetUsed, null, reason, null, null, output, plus(spent, reservation), tokensIn, tokensOut, extra);
    }

    public TaskRun block(String taskId, Instant now, String reason) {
        require(taskId, TaskStatus.BLOCKED);
        return new TaskRun(workerId, TaskStatus.BLOCKED, attempts, startedAt, now, budgetUsed, null, reason, null,
                null, null, spent, tokensIn, tokensOut, extra);
    }

    /** Cancelled by the user; an attempt that was running is charged its {@code reservation}, as if abandoned. */
    public TaskRun cancel(String taskId, Instant now, double reservation) {
        require(taskId, TaskStatus.CANCELLED);
        double charged = status == TaskStatus.IN_PROGRESS ? reservation : 0;
        return new TaskRun(workerId, TaskStatus.CANCELLED, attempts, startedAt, now, budgetUsed, null,
                "cancelled by user", null, null, output, plus(spent, charged), tokensIn, tokensOut, extra);
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
        return new TaskRun(null, TaskStatus.PENDING, 0, null, null, null, null, null, null, null, null, spent,
                tokensIn, tokensOut, extra);
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
}
