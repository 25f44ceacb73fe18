package io.vivarium.story;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vivarium.spend.SpendStatus;
import io.vivarium.store.Claim;
import io.vivarium.store.Snapshot;
import io.vivarium.task.FlowRoom;
import io.vivarium.task.Scheduling;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One task's whole story for {@code GET /tasks/{id}}: {@link TaskView}'s fields, plus the tasks that wait on it,
 * its live claim while it runs, and why it waits when it does.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskStory(Task task, TaskStatus status, TaskRun run, List<String> dependents, ClaimView claim,
                        WaitReason waiting) {

    /** {@link #of(Snapshot, Task, List, Instant, Duration, SpendStatus, FlowRoom)} without pauses or queue limits. */
    public static TaskStory of(Snapshot snapshot, Task task, List<Claim> claims, Instant now, Duration lease,
                        SpendStatus spend) {
        return of(snapshot, task, claims, now, lease, spend, FlowRoom.NONE);
    }

    /**
     * {@code flow} is the store's pause and queue limits as they stand ({@code TaskStore.flow()}), so a task held
     * by them says so.
     */
    public static TaskStory of(Snapshot snapshot, Task task, List<Claim> claims, Instant now, Duration lease,
                        SpendStatus spend, FlowRoom flow) {
        TaskRun run = snapshot.runOf(task.id());
        List<String> dependents = snapshot.tasks().stream()
                .filter(t -> t.dependsOn().contains(task.id()))
                .map(Task::id)
                .toList();
        ClaimView claim = claims.stream()
                .filter(c -> c.taskId().equals(task.id()))
                .findFirst()
                .map(c -> ClaimView.of(c, now, lease))
                .orElse(null);
        return new TaskStory(task, run.status(), run, dependents, claim,
                WaitReason.of(Scheduling.statusOf(snapshot.tasks(), snapshot.runs()::get), task, run, now, spend, flow)
                        .orElse(null));
    }
}
