package io.vivarium.store;

import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import java.time.Instant;

/** A claim that was ended by someone other than its owner, and why. */
public record Takeover(String taskId, String previousWorker, Reason reason) {

    public enum Reason {
        /** The owner is gone: its process died or its database session ended. */
        OWNER_DIED,
        /** The owner is alive but has not renewed its heartbeat within the lease. */
        LEASE_EXPIRED,
        /** The task is in progress but no claim holds it any more (removed by hand) and none came back. */
        UNCLAIMED;

        /**
         * The takeover rule every store applies: the attempt counts and is charged its whole reservation, and the
         * task runs again if attempts are left, else it fails; the run's error says why.
         */
        public TaskRun abandon(Task task, TaskRun run, Instant now) {
            String why = switch (this) {
                case OWNER_DIED -> "worker " + run.workerId() + " died during attempt " + run.attempts();
                case LEASE_EXPIRED -> "worker " + run.workerId() + " stopped renewing its lease during attempt "
                        + run.attempts();
                case UNCLAIMED -> "claim file of attempt " + run.attempts() + " was removed";
            };
            return run.abandon(task.id(), now, why, run.attempts() < task.maxAttempts(), task.maxBudget());
        }
    }
}
