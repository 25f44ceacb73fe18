package io.vivarium.llm;

/** The model's answer. {@code usage} is what the endpoint reported, or an estimate when it reported nothing. */
public record ChatCompletion(String content, TokenUsage usage, String model, String finishReason) {
}
