package io.vivarium.llm;

import java.util.List;

/**
 * @param jsonAnswer ask for a JSON object (the endpoint's JSON mode), for answers a program will parse
 * @param tools      the tools the model may call (empty: a plain completion)
 */
public record ChatRequest(List<ChatMessage> messages, int maxTokens, boolean jsonAnswer, List<ToolSpec> tools) {

    public ChatRequest {
        messages = List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be at least 1");
        }
    }

    public ChatRequest(List<ChatMessage> messages, int maxTokens, boolean jsonAnswer) {
        this(messages, maxTokens, jsonAnswer, List.of());
    }

    /** A rough count before the endpoint tells the real one: ~4 characters a token, plus each message's framing. */
    public int estimatedInputTokens() {
        return estimatedInputTokens(messages, tools);
    }

    /** The same estimate for a conversation not yet made into a request. */
    public static int estimatedInputTokens(List<ChatMessage> messages, List<ToolSpec> tools) {
        long chars = 0;
        for (ChatMessage m : messages) {
            chars += m.size();
        }
        for (ToolSpec t : tools) {
            // the endpoint renders each tool's name, description and schema into the prompt
            chars += t.name().length() + t.description().length() + t.parameters().toString().length();
        }
        return (int) Math.min(Integer.MAX_VALUE, chars / 4 + 8L * messages.size() + 8);
    }
}
