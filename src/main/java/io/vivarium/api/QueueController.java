package io.vivarium.api;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.vivarium.app.QueueControl;
import io.vivarium.app.QueuesView;
import io.vivarium.store.QueueStatus;
import io.vivarium.task.InvalidTaskException;
import io.vivarium.task.Rate;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Queues and the pause over HTTP, as the CLI's {@code queue}, {@code queue set}, {@code queue pause|resume},
 * {@code pause} and {@code resume}: every rule is {@link QueueControl}'s. A bad name, limit or body is a 400 naming
 * the field ({@code queue}, {@code concurrency}, {@code rate}, {@code paused}, {@code body}) and changes nothing; an
 * unknown queue in {@code resume} is a 404 naming it.
 */
@RestController
class QueueController {

    private static final Set<String> FIELDS = Set.of("concurrency", "rate", "paused");

    private final QueueControl queues;

    QueueController(QueueControl queues) {
        this.queues = queues;
    }

    /** Every queue that holds a task or has limits ({@code default} first), and whether the workspace is paused. */
    @GetMapping("/queues")
    QueuesView list() {
        return queues.view();
    }

    @GetMapping("/queues/{name}")
    QueueStatus show(@PathVariable String name) {
        return queues.show(name);
    }

    /** What {@code PUT /queues/{name}} reads; each field optional, what is left out stays as it is. */
    @Schema(description = "Limits of one queue: a field left out stays as it is; null or \"none\" removes a limit")
    record LimitsBody(
            @Schema(description = "At most this many of its tasks run at once (1-10000)", example = "2",
                    nullable = true) Integer concurrency,
            @Schema(description = "At most N starts per period: N/s, N/min, N/h or N/<duration>", example = "3/s",
                    nullable = true) String rate,
            @Schema(description = "Pause or resume the queue") Boolean paused) {
    }

    /**
     * Sets the limits of queue {@code name}, which need not hold a task yet: {@code {"concurrency": 2, "rate":
     * "3/s"}}. A field left out stays as it is; {@code null} or {@code "none"} removes that limit; {@code paused}
     * pauses or resumes the queue. Every field is checked before anything is written.
     */
    @PutMapping("/queues/{name}")
    QueueStatus set(@PathVariable String name, @io.swagger.v3.oas.annotations.parameters.RequestBody(
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = LimitsBody.class))) @RequestBody JsonNode body) {
        if (!body.isObject() || body.isEmpty()) {
            throw new InvalidTaskException("body", "send an object with concurrency, rate or paused, such as "
                    + "{\"concurrency\": 2, \"rate\": \"3/s\"}");
        }
        for (String field : body.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw new InvalidTaskException(field, "unknown field '" + field
                        + "': a queue has concurrency, rate and paused");
            }
        }
        QueueControl.Change<Integer> concurrency = concurrency(body.get("concurrency"));
        QueueControl.Change<Rate> rate = rate(body.get("rate"));
        return queues.set(name, concurrency, rate, paused(body.get("paused")));
    }

    @PostMapping("/queues/{name}/pause")
    QueueStatus pauseQueue(@PathVariable String name) {
        return queues.pauseQueue(name);
    }

    @PostMapping("/queues/{name}/resume")
    QueueStatus resumeQueue(@PathVariable String name) {
        return queues.resumeQueue(name);
    }

    /** Nothing new starts in any process sharing the store; running grinds finish. */
    @PostMapping("/pause")
    QueuesView pause() {
        queues.pause();
        return queues.view();
    }

    @PostMapping("/resume")
    QueuesView resume() {
        queues.resume();
        return queues.view();
    }

    private static QueueControl.Change<Integer> concurrency(JsonNode value) {
        if (value == null) {
            return QueueControl.Change.keep();
        }
        if (value.isNull()) {
            return QueueControl.Change.remove();
        }
        if (value.isString()) {
            return QueueControl.concurrency(value.asString());
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new InvalidTaskException("concurrency", "concurrency must be a whole number from 1 to 10000, or "
                    + "null to remove the limit");
        }
        return QueueControl.concurrency(value.intValue());
    }

    private static QueueControl.Change<Rate> rate(JsonNode value) {
        if (value == null) {
            return QueueControl.Change.keep();
        }
        if (value.isNull()) {
            return QueueControl.Change.remove();
        }
        if (!value.isString()) {
            throw new InvalidTaskException("rate", "rate must be a string N/PERIOD, like \"3/s\" or \"60/min\", or "
                    + "null to remove the limit");
        }
        return QueueControl.rate(value.asString());
    }

    private static Boolean paused(JsonNode value) {
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            throw new InvalidTaskException("paused", "paused must be true or false");
        }
        return value.booleanValue();
    }
}
