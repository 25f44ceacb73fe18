package io.vivarium.story;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.vivarium.spend.SpendStatus;
import io.vivarium.store.Snapshot;
import io.vivarium.task.Budget;
import io.vivarium.task.Money;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Why a pending task does not run yet (a dependency that has not completed, a retry backoff, a budget that does not
 * fit under the spend limit), or why a blocked one never will. {@code until} is when a backoff ends.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WaitReason(String taskId, Kind kind, String detail, Instant until) {

    public enum Kind {
        DEPENDENCY, BACKOFF, BUDGET, BLOCKED;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static Optional<WaitReason> of(Snapshot snapshot, Task task, TaskRun run, Instant now, SpendStatus spend) {
        if (run.status() == TaskStatus.BLOCKED) {
            return Optional.of(new WaitReason(task.id(), Kind.BLOCKED,
                    run.error() == null ? "a dependency can never complete" : run.error(), null));
        }
        if (run.status() != TaskStatus.PENDING) {
            return Optional.empty();
        }
        for (String dep : task.dependsOn()) {
            TaskStatus depStatus = snapshot.statusOf(dep);
            if (depStatus != TaskStatus.COMPLETED) {
                return Optional.of(new WaitReason(task.id(), Kind.DEPENDENCY,
                        "waits for '" + dep + "' (" + depStatus + ")", null));
            }
        }
        if (run.notBefore() != null && run.notBefore().isAfter(now)) {
            return Optional.of(new WaitReason(task.id(), Kind.BACKOFF,
                    "retries after a backoff (attempt " + run.attempts() + " failed)", run.notBefore()));
        }
        if (!spend.ledger().fits(task, spend.processLimit())) {
            long left = spend.ledger().room(spend.processLimit()).orElse(0);
            return Optional.of(new WaitReason(task.id(), Kind.BUDGET, "waits for budget: its cap of $"
                    + Budget.format(task.maxBudget()) + " does not fit in the $" + Budget.format(Money.dollars(left))
                    + " left under the $" + spend.ceiling().orElseThrow().plain() + " spend limit", null));
        }
        return Optional.empty();
    }
}
