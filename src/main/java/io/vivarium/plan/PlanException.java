package io.vivarium.plan;

import io.vivarium.llm.LlmException;

/** A plan that could not be made; the queue is untouched. The kind maps to 502 / 503 / 504. */
public class PlanException extends LlmException {

    public PlanException(Kind kind, String message) {
        super(kind, message);
    }
}
