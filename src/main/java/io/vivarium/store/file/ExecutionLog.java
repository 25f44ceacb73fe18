package io.vivarium.store.file;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.vivarium.task.Summary;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code execution_log.json}: each task's run state, plus a summary that is recomputed from the entries on every
 * write so the two can never disagree within the file.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"version", "revision", "tasks", "swarm_summary"})
record ExecutionLog(String version, Long revision, Map<String, TaskRun> tasks, Summary swarmSummary,
                    @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) implements JsonFile.Revisioned<ExecutionLog> {

    ExecutionLog {
        version = FormatVersion.check(version);
        revision = revision == null ? 0L : revision;
        tasks = tasks == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
        extra = extra == null || extra.isEmpty() ? Map.of() : new LinkedHashMap<>(extra);
    }

    static ExecutionLog empty() {
        return new ExecutionLog(null, 0L, Map.of(), null, Map.of());
    }

    /** The log with these entries and a summary of them over {@code queue}. */
    ExecutionLog with(Map<String, TaskRun> entries, QueueDocument queue) {
        Map<String, TaskStatus> legacy = queue.legacyStatuses();
        Summary summary = Summary.of(queue.tasks(), id -> runOf(entries, legacy, id));
        return new ExecutionLog(version, revision, entries, summary, extra);
    }

    ExecutionLog summarizedOver(QueueDocument queue) {
        return with(tasks, queue);
    }

    ExecutionLog cleared(QueueDocument emptyQueue) {
        return new ExecutionLog(version, revision, Map.of(), null, extra).summarizedOver(emptyQueue);
    }

    @Override
    public ExecutionLog withRevision(long next) {
        return new ExecutionLog(version, next, tasks, swarmSummary, extra);
    }

    /** Entries for every task that has one, the old queue format's lists filling the gaps. */
    Map<String, TaskRun> runsOver(QueueDocument queue) {
        Map<String, TaskRun> runs = new LinkedHashMap<>(tasks.size() * 2);
        runs.putAll(tasks);
        queue.legacyStatuses().forEach((id, status) -> runs.putIfAbsent(id, TaskRun.legacy(status)));
        return runs;
    }

    private static TaskRun runOf(Map<String, TaskRun> entries, Map<String, TaskStatus> legacyStatuses, String id) {
        TaskRun run = entries.get(id);
        if (run == null) {
            TaskStatus legacy = legacyStatuses.get(id);
            return legacy == null ? null : TaskRun.legacy(legacy);
        }
        return run;
    }
}
