package io.vivarium.llm;

/**
 * One tool call the model asked for, as the OpenAI format carries it.
 *
 * @param id        the endpoint's id for the call; the {@code role: tool} answer names it
 * @param arguments the arguments as the model wrote them: JSON text that may well be malformed
 */
public record ToolCall(String id, String name, String arguments) {
}
