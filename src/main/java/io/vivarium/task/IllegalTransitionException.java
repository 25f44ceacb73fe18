package io.vivarium.task;

/** A lifecycle move the transition table does not allow, e.g. cancelling a completed task. */
public class IllegalTransitionException extends IllegalStateException {

    private final String taskId;
    private final TaskStatus from;
    private final TaskStatus to;

    public IllegalTransitionException(String taskId, TaskStatus from, TaskStatus to) {
        this(taskId, from, to, null);
    }

    public IllegalTransitionException(String taskId, TaskStatus from, TaskStatus to, String hint) {
        super("task '" + taskId + "' is " + from + " and cannot become " + to + (hint == null ? "" : ": " + hint));
        this.taskId = taskId;
        this.from = from;
        this.to = to;
    }

    /** A move that is not a status change (a review verdict, say): the message says what is wrong. */
    protected IllegalTransitionException(String taskId, String message) {
        super(message);
        this.taskId = taskId;
        this.from = null;
        this.to = null;
    }

    public String taskId() {
        return taskId;
    }

    public TaskStatus from() {
        return from;
    }

    public TaskStatus to() {
        return to;
    }
}
