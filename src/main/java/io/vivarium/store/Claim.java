package io.vivarium.store;

import java.time.Duration;
import java.time.Instant;

/**
 * A live claim on a task: who runs it and since when. {@code heartbeatAt} is renewed while the task runs;
 * a claim whose heartbeat is older than the lease is stale and may be taken over.
 */
public record Claim(String taskId, String workerId, long pid, String host, Instant acquiredAt, Instant heartbeatAt) {

    public boolean isStaleAt(Instant now, Duration lease) {
        return heartbeatAt == null || heartbeatAt.plus(lease).isBefore(now);
    }
}
