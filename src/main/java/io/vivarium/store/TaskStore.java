package io.vivarium.store;

import io.vivarium.task.Task;
import java.util.List;

/**
 * Where tasks and their states live. The embedded implementation is a workspace of plain files; every method is
 * safe to call from any number of threads and processes at once.
 */
public interface TaskStore {

    /** The queue and run states, read without blocking writers. */
    Snapshot snapshot();

    /** Claims held right now, live or stale. */
    List<Claim> claims();

    /** Appends tasks to the queue, all or none: a duplicate or unknown dependency rejects the whole batch. */
    void add(List<Task> tasks);

    /** Empties the queue and the log and removes every claim. */
    ClearResult clear();

    record ClearResult(int tasksRemoved, int claimsRemoved) {
    }
}
