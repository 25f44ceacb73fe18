package io.vivarium.store;

/**
 * A claim that may be taken over, as found: the claim's last record ({@code null} when none is left or it cannot
 * be read), why, and the fence that {@link TaskStore#abandon} checks so that only this claim, and not a newer
 * one under the same task, is ended.
 */
public record StaleClaim(String taskId, Claim claim, Takeover.Reason reason, long fence) {

    public String previousWorker() {
        return claim == null ? null : claim.workerId();
    }
}
