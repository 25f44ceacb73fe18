package io.vivarium.task;

/** A task definition or request that breaks a rule; {@link #field()} names the offending field for 4xx bodies. */
public class InvalidTaskException extends IllegalArgumentException {

    private final String field;

    public InvalidTaskException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
