package io.vivarium.story;

import io.vivarium.store.Claim;
import java.time.Duration;
import java.time.Instant;

/** A claim as the dashboard shows it: who holds which task, and how long ago its owner last said it is alive. */
public record ClaimView(String taskId, String workerId, String host, long pid, Instant acquiredAt,
                        Instant heartbeatAt, Long heartbeatAgeSeconds, boolean stale) {

    public static ClaimView of(Claim claim, Instant now, Duration lease) {
        Long age = claim.heartbeatAt() == null ? null
                : Math.max(0, Duration.between(claim.heartbeatAt(), now).toSeconds());
        return new ClaimView(claim.taskId(), claim.workerId(), claim.host(), claim.pid(), claim.acquiredAt(),
                claim.heartbeatAt(), age, claim.isStaleAt(now, lease));
    }
}
