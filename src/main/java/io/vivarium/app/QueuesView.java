package io.vivarium.app;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.vivarium.store.QueueStatus;
import java.util.List;

/**
 * What {@code GET /queues} answers: whether the whole workspace is paused, then every queue ({@link QueueStatus}:
 * its tasks by state, {@code in_progress} running now, its limits, paused by itself or with the workspace).
 */
@JsonPropertyOrder({"paused", "queues"})
public record QueuesView(boolean paused, List<QueueStatus> queues) {
}
