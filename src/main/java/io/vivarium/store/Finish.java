package io.vivarium.store;

import io.vivarium.task.GrindResult;
import io.vivarium.task.RetryPolicy;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import java.time.Instant;

/**
 * What became of a leased task: a grind result to record, or the task given back unfinished (shutdown). A task given
 * back after its grind was stopped carries what that grind had cost, so the spend ledger is charged for it.
 */
public record Finish(Lease lease, GrindResult result, boolean isRelease) {

    /** The finish rule every store applies: what the task's run becomes. */
    public TaskRun applyTo(Task task, TaskRun run, Instant now, RetryPolicy retry) {
        return isRelease ? run.release(task.id(), result)
                : run.attemptEnded(task.id(), now, result, task.maxAttempts(), retry);
    }

    public static Finish done(Lease lease, GrindResult result) {
        return new Finish(lease, result, false);
    }

    /** Given back before its grind started. */
    public static Finish released(Lease lease) {
        return new Finish(lease, null, true);
    }

    /** Given back after its grind was stopped: {@code stopped} is what it did and cost until then. */
    public static Finish released(Lease lease, GrindResult stopped) {
        return new Finish(lease, stopped, true);
    }
}
