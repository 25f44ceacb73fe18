package io.vivarium.store;

/** A claim that was ended by someone other than its owner, and why. */
public record Takeover(String taskId, String previousWorker, Reason reason) {

    public enum Reason {
        /** The owner is gone: its process died or its database session ended. */
        OWNER_DIED,
        /** The owner is alive but has not renewed its heartbeat within the lease. */
        LEASE_EXPIRED,
        /** The task is in progress but no claim holds it any more (removed by hand) and none came back. */
        UNCLAIMED
    }
}
