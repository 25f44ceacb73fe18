package io.vivarium.llm;

import java.util.List;

/**
 * The model's answer. {@code usage} is what the endpoint reported, or an estimate when it reported nothing.
 *
 * @param content   the answer's text ({@code ""} when it only called tools)
 * @param toolCalls the tools it called, in order (empty: a plain answer)
 */
public record ChatCompletion(String content, TokenUsage usage, String model, String finishReason,
                             List<ToolCall> toolCalls) {

    public ChatCompletion {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public ChatCompletion(String content, TokenUsage usage, String model, String finishReason) {
        this(content, usage, model, finishReason, List.of());
    }
}
