package io.vivarium.task;

/** A review verb that cannot be done (nothing to review, already reviewed, a change that does not apply). */
public class ReviewException extends IllegalTransitionException {

    public ReviewException(String taskId, String message) {
        super(taskId, message);
    }
}
