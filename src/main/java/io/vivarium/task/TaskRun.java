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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"worker_id", "status", "attempts", "started_at", "completed_at", "budget_used", "result", "error",
        "exit_code", "not_before", "output"})
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
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    public TaskRun {
        status = status == null ? TaskStatus.PENDING : status;
        attempts = attempts == null ? 0 : Math.max(0, attempts);
        extra = extra == null || extra.isEmpty() ? Map.of() : new LinkedHashMap<>(extra);
    }

    public static TaskRun pending() {
        return new TaskRun(null, TaskStatus.PENDING, 0, null, null, null, null, null, null, null, null, Map.of());
    }

    /** A task that finished before the log existed (the old queue format's {@code completed}/{@code failed} lists). */
    public static TaskRun legacy(TaskStatus status) {
        return new TaskRun(null, status, 0, null, null, null, null, null, null, null, null, Map.of());
    }

    /** Whether a worker may claim it now: pending and past any retry backoff. */
    public boolean isClaimableAt(Instant now) {
        return status == TaskStatus.PENDING && (notBefore == null || !notBefore.isAfter(now));
    }

    public TaskRun claim(String taskId, String worker, Instant now) {
        require(taskId, TaskStatus.IN_PROGRESS);
        return new TaskRun(worker, TaskStatus.IN_PROGRESS, attempts + 1, now, null, null, null, null, null, null,
                null, extra);
    }

    public TaskRun complete(String taskId, Instant now, GrindResult outcome) {
        require(taskId, TaskStatus.COMPLETED);
        return new TaskRun(workerId, TaskStatus.COMPLETED, attempts, startedAt, now, outcome.budgetUsed(),
                outcome.result(), null, outcome.exitCode(), null, outcome.output(), extra);
    }

    /** A failed attempt: back to pending until {@code retryAt} when attempts are left, else failed for good. */
    public TaskRun fail(String taskId, Instant now, GrindResult outcome, Instant retryAt) {
        TaskStatus target = retryAt == null ? TaskStatus.FAILED : TaskStatus.PENDING;
        require(taskId, target);
        return new TaskRun(workerId, target, attempts, startedAt, now, outcome.budgetUsed(), outcome.result(),
                outcome.error(), outcome.exitCode(), retryAt, outcome.output(), extra);
    }

    /**
     * The end of an attempt, whichever way it went: completed, or failed. A failure that may be tried again, with
     * attempts left out of {@code maxAttempts}, goes back to pending until {@code retry}'s backoff ends.
     */
    public TaskRun attemptEnded(String taskId, Instant now, GrindResult outcome, int maxAttempts, RetryPolicy retry) {
        if (outcome.succeeded()) {
            return complete(taskId, now, outcome);
        }
        boolean again = outcome.retryable() && attempts < maxAttempts;
        return fail(taskId, now, outcome, again ? retry.nextAttemptAt(attempts, now) : null);
    }

    /** The worker gave the task back unfinished (shutdown); the attempt does not count. */
    public TaskRun release(String taskId) {
        require(taskId, TaskStatus.PENDING);
        return new TaskRun(null, TaskStatus.PENDING, Math.max(0, attempts - 1), null, null, budgetUsed, result,
                error, exitCode, null, output, extra);
    }

    /**
     * The worker running it was lost (died, hung past its lease, or its claim was removed). The attempt counts; the
     * task runs again if attempts are left, else it fails.
     */
    public TaskRun abandon(String taskId, Instant now, String reason, boolean attemptsLeft) {
        TaskStatus target = attemptsLeft ? TaskStatus.PENDING : TaskStatus.FAILED;
        require(taskId, target);
        return new TaskRun(attemptsLeft ? null : workerId, target, attempts, startedAt, attemptsLeft ? null : now,
                budgetUsed, null, reason, null, null, output, extra);
    }

    public TaskRun block(String taskId, Instant now, String reason) {
        require(taskId, TaskStatus.BLOCKED);
        return new TaskRun(workerId, TaskStatus.BLOCKED, attempts, startedAt, now, budgetUsed, null, reason, null,
                null, null, extra);
    }

    public TaskRun cancel(String taskId, Instant now, Double charged) {
        require(taskId, TaskStatus.CANCELLED);
        return new TaskRun(workerId, TaskStatus.CANCELLED, attempts, startedAt, now, charged, null,
                "cancelled by user", null, null, output, extra);
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
        return new TaskRun(null, TaskStatus.PENDING, 0, null, null, null, null, null, null, null, null, extra);
    }

    public double budgetOrZero() {
        return budgetUsed == null ? 0.0 : budgetUsed;
    }

    private void require(String taskId, TaskStatus target) {
        if (!status.canMoveTo(target)) {
            throw new IllegalTransitionException(taskId, status, target);
        }
    }
}
