package io.vivarium.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import java.util.Set;

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
        if (concurrency != null) {
            requireConcurrency(concurrency);
        }
    }

    private static int requireConcurrency(long value) {
        if (value < 1 || value > MAX_CONCURRENCY) {
            throw new InvalidTaskException("concurrency", "concurrency must be from 1 to " + MAX_CONCURRENCY
                    + " (got " + value + "); to stop a queue, pause it");
        }
        return (int) value;
    }

    /** The fields a queue's limits have, in {@code queue.json}, the journal and {@code PUT /queues/{name}}. */
    public static final Set<String> FIELDS = Set.of("concurrency", "rate", "paused");

    /**
     * Reads limits as written in {@code queue.json} (and the journal). They are the user's to edit, so a field this
     * version does not know (most likely a misspelt limit, which would otherwise hold nothing and be dropped at the
     * next write) and a value of the wrong kind are errors naming the field, never a limit quietly read as another.
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static QueueLimits fromJson(Map<String, Object> fields) {
        for (String field : fields.keySet()) {
            if (!FIELDS.contains(field)) {
                throw new InvalidTaskException(field, "unknown field '" + field
                        + "': a queue has concurrency, rate and paused");
            }
        }
        Object concurrency = fields.get("concurrency");
        if (concurrency != null && !(concurrency instanceof Integer || concurrency instanceof Long)) {
            throw new InvalidTaskException("concurrency", "concurrency must be a whole number from 1 to "
                    + MAX_CONCURRENCY + " (got " + concurrency + ")");
        }
        Object rate = fields.get("rate");
        if (rate != null && !(rate instanceof String)) {
            throw new InvalidTaskException("rate", "rate must be a string N/PERIOD, like \"3/s\" (got " + rate + ")");
        }
        Object paused = fields.get("paused");
        if (paused != null && !(paused instanceof Boolean)) {
            throw new InvalidTaskException("paused", "paused must be true or false (got " + paused + ")");
        }
        return new QueueLimits(concurrency == null ? null : requireConcurrency(((Number) concurrency).longValue()),
                rate == null ? null : Rate.parse((String) rate), Boolean.TRUE.equals(paused));
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
