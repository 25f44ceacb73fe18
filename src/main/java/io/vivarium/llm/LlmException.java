package io.vivarium.llm;

/** Why a chat completion could not be had; {@link Kind} decides the HTTP status and whether to retry. */
public class LlmException extends RuntimeException {

    public enum Kind {
        /** No API key: the user must set one (503). */
        NOT_CONFIGURED,
        /** The endpoint did not answer in time, after retries (504). */
        TIMEOUT,
        /** The endpoint answered with an error, after retries where they made sense (502). */
        UPSTREAM,
        /** The endpoint answered, but not with a usable completion (502). */
        BAD_ANSWER
    }

    private final Kind kind;

    public LlmException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
