package io.vivarium.code.agent;

import io.vivarium.llm.ChatMessage;
import io.vivarium.llm.ChatRequest;
import io.vivarium.llm.ToolSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's messages, kept under a size: every turn resends the whole conversation, so old tool outputs (files
 * read, check output) are elided, oldest first, once it grows past {@link #maxChars}. The system message, the
 * task and the latest turn stay whole.
 */
final class Conversation {

    static final int ELIDE_ABOVE_CHARS = 200;

    private final List<ChatMessage> messages = new ArrayList<>();
    private final int maxChars;

    Conversation(int maxChars) {
        this.maxChars = maxChars;
    }

    void add(ChatMessage message) {
        messages.add(message);
    }

    List<ChatMessage> messages() {
        return List.copyOf(messages);
    }

    int estimatedTokens(List<ToolSpec> tools) {
        return ChatRequest.estimatedInputTokens(messages, tools);
    }

    /** Elides old tool outputs until the conversation fits, keeping everything after the last assistant message. */
    void fit() {
        int lastAssistant = -1;
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role().equals("assistant")) {
                lastAssistant = i;
                break;
            }
        }
        for (int i = 2; i < lastAssistant && chars() > maxChars; i++) {
            ChatMessage m = messages.get(i);
            String content = m.content();
            if (m.role().equals("tool") && content != null && content.length() > ELIDE_ABOVE_CHARS) {
                messages.set(i, m.withContent("[elided: an earlier output of " + content.length()
                        + " characters; call the tool again if you still need it]"));
            }
        }
    }

    int chars() {
        int chars = 0;
        for (ChatMessage m : messages) {
            chars += m.content() == null ? 0 : m.content().length();
            for (var call : m.toolCalls()) {
                chars += call.arguments() == null ? 0 : call.arguments().length();
            }
        }
        return chars;
    }
}
