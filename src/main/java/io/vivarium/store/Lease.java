package io.vivarium.store;

import io.vivarium.task.Task;

/**
 * A task this worker holds a claim on, with the attempt it is on. {@code fence} names this claim and no other:
 * every later write about the task (heartbeat, finish) is refused once a newer claim or a cancel has replaced it.
 */
public record Lease(Task task, int attempt, WorkerIdentity worker, long fence) {

    public String taskId() {
        return task.id();
    }
}
