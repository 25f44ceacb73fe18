package io.vivarium.store.file;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One committed change, one line of the journal. Every part is absolute (whole tasks, whole run entries, a clear),
 * so applying a record twice, or over files that already hold it, changes nothing: a checkpoint that died between
 * its renames is repaired by replay. {@code summary} is the workspace's summary after the change, so that
 * {@code status} reads one line instead of the whole queue. {@code seq} comes last, so that the journal's last
 * committed number is read from its last few bytes. {@code flow}: the pause and the queues' limits as set by this
 * change, whole (they live in {@code queue.json}). {@code reread}: the writer had read documents changed by hand
 * (the journal's header names other files), so a process that follows the journal must read them too.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"at", "cleared", "removed", "added", "runs", "limit", "flow", "summary", "spend", "reread", "seq"})
record JournalRecord(long seq, Instant at, boolean cleared, List<Task> added, Map<String, TaskRun> runs,
                     LimitChange limit, Summary summary, Map<String, Object> spend, boolean reread,
                     List<String> removed, FlowSettings flow) {

    JournalRecord(long seq, Instant at, boolean cleared, List<Task> added, Map<String, TaskRun> runs,
                  LimitChange limit, Summary summary, Map<String, Object> spend) {
        this(seq, at, cleared, added, runs, limit, summary, spend, false, List.of(), null);
    }

    JournalRecord(long seq, Instant at, boolean cleared, List<Task> added, Map<String, TaskRun> runs,
                  LimitChange limit, Summary summary, Map<String, Object> spend, boolean reread) {
        this(seq, at, cleared, added, runs, limit, summary, spend, reread, List.of(), null);
    }

    JournalRecord {
        added = added == null ? List.of() : added;
        // Tasks pruned (definitions and entries, applied before what was added): not their spend, which stays.
        removed = removed == null ? List.of() : removed;
        runs = runs == null ? Map.of() : runs;
        spend = spend == null ? Map.of() : spend;
    }

    /**
     * The workspace's spend limit set ({@code dollars}) or removed (no {@code dollars}). The ledger itself follows
     * from the run entries; {@code spend} repeats it after the change only so that readers need not replay.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LimitChange(boolean set, Double dollars) {
    }

    boolean changesQueue() {
        return cleared || !added.isEmpty() || !removed.isEmpty() || flow != null;
    }
}
