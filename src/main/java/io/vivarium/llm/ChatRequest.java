package io.vivarium.llm;

import java.util.List;

/** @param jsonAnswer ask for a JSON object (the endpoint's JSON mode), for answers a program will parse */
public record ChatRequest(List<ChatMessage> messages, int maxTokens, boolean jsonAnswer) {

    public ChatRequest {
        messages = List.copyOf(messages);
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be at least 1");
        }
    }

    /** A rough count before the endpoint tells the real one: ~4 characters a token, plus each message's framing. */
    public int estimatedInputTokens() {
        int chars = 0;
        for (ChatMessage m : messages) {
            chars += m.content().length();
        }
        return chars / 4 + 8 * messages.size() + 8;
    }
}
