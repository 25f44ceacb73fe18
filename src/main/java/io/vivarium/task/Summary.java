package io.vivarium.task;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;

/**
 * The counts over the queue: {@code total_tasks} is the queue's size and every task is in exactly one state
 * (a task with no log entry is pending), so the counts always add up to the total.
 */
@JsonPropertyOrder({"total_tasks", "completed", "in_progress", "pending", "failed", "blocked", "cancelled", "budget_used"})
public record Summary(int totalTasks, int completed, int inProgress, int pending, int failed, int blocked,
                      int cancelled, double budgetUsed) {

    public static Summary of(Collection<Task> tasks, Function<String, TaskRun> runs) {
        int[] counts = new int[TaskStatus.values().length];
        double budget = 0;
        for (Task task : tasks) {
            TaskRun run = runs.apply(task.id());
            TaskStatus status = run == null ? TaskStatus.PENDING : run.status();
            counts[status.ordinal()]++;
            if (run != null) {
                budget += run.budgetOrZero();
            }
        }
        return new Summary(tasks.size(), counts[TaskStatus.COMPLETED.ordinal()],
                counts[TaskStatus.IN_PROGRESS.ordinal()], counts[TaskStatus.PENDING.ordinal()],
                counts[TaskStatus.FAILED.ordinal()], counts[TaskStatus.BLOCKED.ordinal()],
                counts[TaskStatus.CANCELLED.ordinal()], Money.round(budget));
    }

    public static Summary of(Collection<Task> tasks, Map<String, TaskRun> runs) {
        return of(tasks, runs::get);
    }

    public int count(TaskStatus status) {
        return switch (status) {
            case PENDING -> pending;
            case IN_PROGRESS -> inProgress;
            case COMPLETED -> completed;
            case FAILED -> failed;
            case BLOCKED -> blocked;
            case CANCELLED -> cancelled;
        };
    }

    /** Nothing left to run or running: every task is in a final state. */
    @JsonIgnore
    public boolean isSettled() {
        return pending == 0 && inProgress == 0;
    }
}
