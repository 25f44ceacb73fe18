package io.vivarium.grind;

/** Runs a prompt grind as one chat completion within its budget. Implemented by the LLM client. */
public interface PromptRunner extends GrindRunner {
}
