package io.vivarium.task;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The flow settings a store keeps for every process that shares it: whether the whole workspace is paused, and
 * each queue's {@link QueueLimits}. Queues without limits are left out, so an empty one costs nothing.
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
@JsonPropertyOrder({"paused", "queues"})
public record FlowSettings(boolean paused, Map<String, QueueLimits> queues) {

    public static final FlowSettings NONE = new FlowSettings(false, Map.of());

    public FlowSettings {
        TreeMap<String, QueueLimits> kept = new TreeMap<>();
        if (queues != null) {
            queues.forEach((name, limits) -> {
                QueueName.requireValid("queue", name);
                if (limits != null && !limits.isNone()) {
                    kept.put(name, limits);
                }
            });
        }
        queues = Collections.unmodifiableMap(kept);
    }

    /** The limits of {@code queue}; {@link QueueLimits#NONE} when it has none. */
    public QueueLimits of(String queue) {
        return queues.getOrDefault(queue, QueueLimits.NONE);
    }

    /** Whether anything here can stop a task from starting: when not, a claim need not look. */
    @JsonIgnore
    public boolean isActive() {
        return paused || !queues.isEmpty();
    }

    public FlowSettings withQueue(String queue, QueueLimits limits) {
        TreeMap<String, QueueLimits> next = new TreeMap<>(queues);
        next.put(QueueName.requireValid("queue", queue), limits);
        return new FlowSettings(paused, next);
    }

    public FlowSettings withPaused(boolean value) {
        return new FlowSettings(value, queues);
    }
}
