package io.vivarium.code.agent;

/** A tool call the agent refuses: the message goes back to the model, which can act on it; nothing changed. */
final class ToolError extends RuntimeException {

    ToolError(String message) {
        super(message, null, false, false);
    }
}
