package io.vivarium.story;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.vivarium.spend.SpendStatus;
import io.vivarium.task.Budget;
import io.vivarium.task.FlowRoom;
import io.vivarium.task.Money;
import io.vivarium.task.StartRule;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Why a pending task does not run yet (a dependency that has not completed, a retry backoff, a budget that does not
 * fit under the spend limit, a time to start at, a pause, its queue's limits), or why a blocked one never will. {@code until} is when a
 * backoff ends or the task's time comes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WaitReason(String taskId, Kind kind, String detail, Instant until) {

    public enum Kind {
        DEPENDENCY, BACKOFF, BUDGET, BLOCKED, SCHEDULED, PAUSED, QUEUE_LIMIT;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@link #of(Function, Task, TaskRun, Instant, SpendStatus, FlowRoom)} without pauses or queue limits. */
    public static Optional<WaitReason> of(Function<String, TaskStatus> statusOf, Task task, TaskRun run, Instant now,
                                          SpendStatus spend) {
        return of(statusOf, task, run, now, spend, FlowRoom.NONE);
    }

    /**
     * {@link StartRule}'s verdict for people; {@code statusOf} answers null for a task not in the queue, {@code flow}
     * is the store's pause and queue limits as they stand ({@code TaskStore.flow()}).
     */
    public static Optional<WaitReason> of(Function<String, TaskStatus> statusOf, Task task, TaskRun run, Instant now,
                                          SpendStatus spend, FlowRoom flow) {
        StartRule.Context context = new StartRule.Context(now, spend.ledger().room(spend.processLimit()), flow);
        StartRule.Verdict verdict = StartRule.check(task, run, statusOf, context);
        if (verdict.mayStart() || verdict.reason() == StartRule.Reason.NOT_PENDING) {
            return Optional.empty();
        }
        return Optional.of(switch (verdict.reason()) {
            case BLOCKED -> new WaitReason(task.id(), Kind.BLOCKED, verdict.detail(), null);
            case DEPENDENCY -> new WaitReason(task.id(), Kind.DEPENDENCY, verdict.detail(), null);
            case BACKOFF -> new WaitReason(task.id(), Kind.BACKOFF, verdict.detail(), verdict.until());
            case SCHEDULED -> new WaitReason(task.id(), Kind.SCHEDULED, verdict.detail(), verdict.until());
            case PAUSED -> new WaitReason(task.id(), Kind.PAUSED, verdict.detail(), null);
            case QUEUE_LIMIT -> new WaitReason(task.id(), Kind.QUEUE_LIMIT, verdict.detail(), verdict.until());
            case BUDGET -> new WaitReason(task.id(), Kind.BUDGET, "waits for budget: its cap of $"
                    + Budget.format(task.maxBudget()) + " does not fit in the $"
                    + Budget.format(Money.dollars(context.roomMicros().orElse(0))) + " left under the $"
                    + spend.ceiling().orElseThrow().plain() + " spend limit", null);
            case NOT_PENDING -> throw new IllegalStateException("not waiting");
        });
    }
}
