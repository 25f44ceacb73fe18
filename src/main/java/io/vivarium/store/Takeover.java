package io.vivarium.store;

/** A claim that was ended by someone other than its owner, and why. */
public record Takeover(String taskId, String previousWorker, Reason reason) {

    public enum Reason {
        /** The owner's process no longer holds its file lock: it died. */
        OWNER_DIED,
        /** The owner is alive but has not renewed its heartbeat within the lease. */
        LEASE_EXPIRED,
        /** The task is in progress but its claim file is gone (removed by hand) and stayed gone. */
        CLAIM_MISSING
    }
}
