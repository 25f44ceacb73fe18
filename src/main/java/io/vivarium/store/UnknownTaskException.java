package io.vivarium.store;

/** A task id that is not in the queue. */
public class UnknownTaskException extends StoreException {

    private final String taskId;

    public UnknownTaskException(String taskId) {
        super("no task '" + taskId + "' in the queue");
        this.taskId = taskId;
    }

    public String taskId() {
        return taskId;
    }
}
