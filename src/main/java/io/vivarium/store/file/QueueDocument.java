package io.vivarium.store.file;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.QueueLimits;
import io.vivarium.task.Task;
import io.vivarium.task.TaskStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code queue.json}: the task definitions in insertion order. The original system's {@code completed} and
 * {@code failed} lists are read (they mark tasks done before the log existed) and written back as they were.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"version", "revision", "api_endpoint", "paused", "queues", "tasks", "completed", "failed"})
record QueueDocument(String version, Long revision, String apiEndpoint, Boolean paused,
                     Map<String, QueueLimits> queues, List<Task> tasks, List<Object> completed,
                     List<Object> failed, @JsonAnySetter @JsonAnyGetter Map<String, Object> extra)
        implements JsonFile.Revisioned<QueueDocument> {

    static final String DEFAULT_API_ENDPOINT = "http://127.0.0.1:8420";

    QueueDocument {
        version = FormatVersion.check(version);
        revision = revision == null ? 0L : revision;
        apiEndpoint = apiEndpoint == null ? DEFAULT_API_ENDPOINT : apiEndpoint;
        // The flow settings live here, where a user sees them; a hand edit that breaks their rules is a corrupt file.
        FlowSettings flow = new FlowSettings(Boolean.TRUE.equals(paused), queues);
        paused = flow.paused() ? Boolean.TRUE : null;
        queues = flow.queues().isEmpty() ? null : flow.queues();
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
        Set<String> seen = new HashSet<>();
        for (Task task : tasks) {
            if (!seen.add(task.id())) {
                throw new IllegalArgumentException("task id '" + task.id() + "' appears twice");
            }
        }
        extra = extra == null || extra.isEmpty() ? Map.of() : new LinkedHashMap<>(extra);
    }

    static QueueDocument empty() {
        return new QueueDocument(null, 0L, null, null, null, List.of(), null, null, Map.of());
    }

    QueueDocument withTasks(List<Task> newTasks) {
        return new QueueDocument(version, revision, apiEndpoint, paused, queues, newTasks, completed, failed, extra);
    }

    QueueDocument append(List<Task> added) {
        List<Task> all = new ArrayList<>(tasks.size() + added.size());
        all.addAll(tasks);
        all.addAll(added);
        return withTasks(all);
    }

    /** Keeps the endpoint, the flow settings and any unknown top-level fields; drops tasks and the old-format lists. */
    QueueDocument cleared() {
        return new QueueDocument(version, revision, apiEndpoint, paused, queues, List.of(), null, null, extra);
    }

    /** The workspace's pause and its queues' limits. */
    FlowSettings flow() {
        return new FlowSettings(Boolean.TRUE.equals(paused), queues);
    }

    QueueDocument withFlow(FlowSettings flow) {
        return new QueueDocument(version, revision, apiEndpoint, flow.paused(), flow.queues(), tasks, completed,
                failed, extra);
    }

    @Override
    public QueueDocument withRevision(long next) {
        return new QueueDocument(version, next, apiEndpoint, paused, queues, tasks, completed, failed, extra);
    }

    /** Status implied by the old-format lists, for tasks the log does not know. */
    Map<String, TaskStatus> legacyStatuses() {
        if (completed == null && failed == null) {
            return Map.of();
        }
        Map<String, TaskStatus> statuses = new LinkedHashMap<>();
        addLegacy(statuses, completed, TaskStatus.COMPLETED);
        addLegacy(statuses, failed, TaskStatus.FAILED);
        return statuses;
    }

    private static void addLegacy(Map<String, TaskStatus> into, List<Object> entries, TaskStatus status) {
        if (entries == null) {
            return;
        }
        for (Object entry : entries) {
            if (entry instanceof String id) {
                into.put(id, status);
            } else if (entry instanceof Map<?, ?> map && map.get("id") instanceof String id) {
                into.put(id, status);
            }
        }
    }
}
