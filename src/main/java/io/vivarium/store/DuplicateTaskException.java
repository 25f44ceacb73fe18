package io.vivarium.store;

/** A task id that is already in the queue (or twice in one request). */
public class DuplicateTaskException extends StoreException {

    private final String taskId;

    public DuplicateTaskException(String taskId) {
        super("task '" + taskId + "' already exists");
        this.taskId = taskId;
    }

    public String taskId() {
        return taskId;
    }
}
