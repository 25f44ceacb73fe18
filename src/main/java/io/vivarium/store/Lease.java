package io.vivarium.store;

import io.vivarium.task.Task;

/**
 * A task this worker holds a claim on, with the attempt it is on. {@code handle} is the store's own record of the
 * claim (for the file store: the locked claim file), opaque to everyone else.
 */
public record Lease(Task task, int attempt, WorkerIdentity worker, Object handle) {

    public String taskId() {
        return task.id();
    }
}
