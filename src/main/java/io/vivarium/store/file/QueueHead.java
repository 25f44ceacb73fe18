package io.vivarium.store.file;

import io.vivarium.store.WorkspaceJson;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.QueueLimits;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;

/**
 * The flow settings a checkpoint writes at the head of {@code queue.json} ({@code paused}, {@code queues}, before
 * {@code tasks}), read without the tasks: {@code status} of a 100,000-task workspace says whether it is paused
 * without parsing the queue. Only for files a checkpoint wrote (the journal names them).
 */
final class QueueHead {

    private static final TypeReference<Map<String, QueueLimits>> QUEUES = new TypeReference<>() {
    };

    private QueueHead() {
    }

    /** The settings, or empty when the head cannot be read so (the caller then reads the queue whole). */
    static Optional<FlowSettings> flow(Path queue) {
        try (InputStream in = Channels.newInputStream(SafeFiles.openRegular(queue, StandardOpenOption.READ));
             JsonParser parser = WorkspaceJson.mapper().createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            boolean paused = false;
            Map<String, QueueLimits> queues = null;
            for (JsonToken token = parser.nextToken(); token == JsonToken.PROPERTY_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                parser.nextToken();
                switch (name) {
                    case "tasks" -> {
                        return Optional.of(new FlowSettings(paused, queues));
                    }
                    case "paused" -> paused = parser.getValueAsBoolean();
                    // The tasks follow: the workspace's reader refuses anything after a document's value.
                    case "queues" -> queues = WorkspaceJson.mapper().readerFor(QUEUES)
                            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(parser);
                    default -> parser.skipChildren();
                }
            }
            return Optional.of(new FlowSettings(paused, queues));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
