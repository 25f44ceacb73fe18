package io.vivarium.store.file;

import io.vivarium.spend.SpendLimit;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One unit of work under the workspace lock: the record being made, and what to do once it is durable. Each edit
 * is made to the state in memory at once; {@link JournalledState#change} writes the record when the body returns.
 */
final class Change {
    final Instant now;
    private final WorkspaceState state;
    private boolean cleared;
    private final List<Task> added = new ArrayList<>();
    private final List<String> removed = new ArrayList<>();
    private final Map<String, TaskRun> runs = new LinkedHashMap<>();
    private final List<Runnable> afterWrite = new ArrayList<>();
    private final List<Runnable> ifWriteFails = new ArrayList<>();
    boolean leasesChanged;
    long version;
    /** Bring the files up to date before returning: a user's intent, or a pool that has nothing left to do. */
    boolean checkpointAfter = true;

    private JournalRecord.LimitChange limit;
    private FlowSettings flow;

    Change(Instant now, WorkspaceState state) {
        this.now = now;
        this.state = state;
    }

    /** The state this change edits: current, and held under the workspace lock while the change is made. */
    WorkspaceState state() {
        return state;
    }

    boolean touched() {
        return cleared || !added.isEmpty() || !runs.isEmpty() || limit != null || !removed.isEmpty() || flow != null;
    }

    void put(String id, TaskRun run) {
        runs.put(id, run);
        state.setRun(id, run, now);
    }

    void limitSpend(Optional<SpendLimit> newLimit) {
        limit = new JournalRecord.LimitChange(newLimit.isPresent(), newLimit.map(SpendLimit::dollars).orElse(null));
        state.limitSpend(newLimit);
    }

    void changeFlow(FlowSettings settings) {
        flow = settings;
        state.setFlow(settings);
    }

    void add(List<Task> tasks) {
        added.addAll(tasks);
        state.appendTasks(tasks);
    }

    /** Only before anything else in this change: a record applies its removals first. */
    void remove(List<String> ids) {
        removed.addAll(ids);
        state.removeTasks(ids);
    }

    void clear() {
        cleared = true;
        added.clear();
        runs.clear();
        state.clear();
    }

    void afterWrite(Runnable action) {
        afterWrite.add(action);
    }

    void ifWriteFails(Runnable action) {
        ifWriteFails.add(action);
    }

    /** Blocks every task that can no longer run (a dependency failed or is gone), until none is left. */
    void blockUnrunnable() {
        for (Map<String, String> found = state.takeBlockable(); !found.isEmpty(); found = state.takeBlockable()) {
            found.forEach((id, reason) -> put(id, state.runOf(id).block(id, now, reason)));
        }
    }

    /** The journal record this change makes as {@code seq}, with the state's summary and spend as they are now. */
    JournalRecord record(long seq, boolean reread) {
        return new JournalRecord(seq, now, cleared, added, runs, limit, state.summary(),
                ExecutionLog.spendFields(state.spend()), reread, removed, flow);
    }

    void failed() {
        ifWriteFails.forEach(Runnable::run);
    }

    void wrote() {
        afterWrite.forEach(Runnable::run);
    }
}
