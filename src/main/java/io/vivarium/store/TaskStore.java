package io.vivarium.store;

import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Where tasks and their states live. The embedded implementation is a workspace of plain files; every method is
 * safe to call from any number of threads and processes at once.
 */
public interface TaskStore {

    // --- reading ---

    /** The queue and run states, read without blocking writers. */
    Snapshot snapshot();

    /** Claims held right now, live or stale. */
    List<Claim> claims();

    /**
     * An opaque value that changes whenever the queue or any task's state changes, cheap enough to poll every few
     * milliseconds: a worker that sees the same value twice knows there is nothing new to claim.
     */
    Object stateVersion();

    // --- definitions ---

    /** Appends tasks to the queue, all or none: a duplicate or unknown dependency rejects the whole batch. */
    void add(List<Task> tasks);

    /** Empties the queue and the log and removes every claim. */
    ClearResult clear();

    // --- worker lifecycle ---

    /**
     * One atomic write for a worker pool: records its finished grinds (a finish whose claim was lost records
     * nothing), blocks tasks that can never run, then claims up to {@code maxClaims} runnable tasks.
     */
    CommitResult commit(WorkerIdentity worker, List<Finish> finished, int maxClaims);

    /** Renews the claim's heartbeat; false when the claim was lost (taken over, cancelled, removed by hand). */
    boolean renew(Lease lease);

    /** Writes the grind's process into the claim, so that a takeover can end it. */
    boolean recordGrindProcess(Lease lease, long pid, Instant startedAt);

    /** Ends claims whose owner died or whose lease ran out, first ending their grinds, and requeues the tasks. */
    List<Takeover> reap();

    // --- user intents ---

    /** Puts the tasks back to pending with fresh attempts, and unblocks what they were blocking. */
    List<String> retry(Collection<String> ids);

    /** {@link #retry} for every failed task. */
    List<String> retryFailed();

    /** Cancels a task; a running grind is stopped wherever it runs and its result is not recorded. */
    TaskRun cancel(String id);

    record ClearResult(int tasksRemoved, int claimsRemoved) {
    }
}
