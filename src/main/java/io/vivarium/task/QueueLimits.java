package io.vivarium.task;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What one queue is held to: at most {@code concurrency} of its tasks running at once (null: no limit), at most
 * {@link Rate} starts in any window, and whether it is paused (nothing of it starts; running grinds finish).
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
@JsonPropertyOrder({"concurrency", "rate", "paused"})
public record QueueLimits(Integer concurrency, Rate rate, boolean paused) {

    public static final QueueLimits NONE = new QueueLimits(null, null, false);
    public static final int MAX_CONCURRENCY = 10_000;

    public QueueLimits {
        if (concurrency != null && (concurrency < 1 || concurrency > MAX_CONCURRENCY)) {
            throw new InvalidTaskException("concurrency", "concurrency must be from 1 to " + MAX_CONCURRENCY
                    + " (got " + concurrency + "); to stop a queue, pause it");
        }
    }

    /** Whether it holds its queue to anything at all: a queue without limits is not written down. */
    @JsonIgnore
    public boolean isNone() {
        return concurrency == null && rate == null && !paused;
    }

    public QueueLimits withConcurrency(Integer value) {
        return new QueueLimits(value, rate, paused);
    }

    public QueueLimits withRate(Rate value) {
        return new QueueLimits(concurrency, value, paused);
    }

    public QueueLimits withPaused(boolean value) {
        return new QueueLimits(concurrency, rate, value);
    }
}
