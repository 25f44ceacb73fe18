package io.vivarium.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Duration;
import java.time.Instant;

/**
 * A claim on a task: who runs it, since when, and the grind process it started. {@code heartbeatAt} is renewed
 * while the task runs; a claim whose heartbeat is older than the lease is stale and may be taken over.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"task_id", "worker_id", "pid", "host", "acquired_at", "heartbeat_at", "grind_pid", "grind_started_at"})
public record Claim(String taskId, String workerId, long pid, String host, Instant acquiredAt, Instant heartbeatAt,
                    Long grindPid, Instant grindStartedAt) {

    public static Claim of(String taskId, WorkerIdentity worker, Instant now) {
        return new Claim(taskId, worker.workerId(), worker.pid(), worker.host(), now, now, null, null);
    }

    public boolean isStaleAt(Instant now, Duration lease) {
        return heartbeatAt == null || heartbeatAt.plus(lease).isBefore(now);
    }

    public Claim renewedAt(Instant now) {
        return new Claim(taskId, workerId, pid, host, acquiredAt, now, grindPid, grindStartedAt);
    }

    public Claim withGrind(long processId, Instant startedAt) {
        return new Claim(taskId, workerId, pid, host, acquiredAt, heartbeatAt, processId, startedAt);
    }
}
