package io.vivarium.app;

import io.vivarium.task.InvalidTaskException;

/**
 * A queue that holds no task and has no settings, named where one must exist ({@code queue resume NAME}). An
 * {@link InvalidTaskException} naming {@code queue}, so the CLI answers it with exit 2; HTTP answers 404.
 */
public class UnknownQueueException extends InvalidTaskException {

    private final String queue;

    public UnknownQueueException(String queue) {
        super(QueueControl.FIELD, "no queue '" + queue + "': it holds no task and has no limits");
        this.queue = queue;
    }

    public String queue() {
        return queue;
    }
}
