package io.vivarium.llm;

import java.util.List;

/**
 * One message of a conversation.
 *
 * @param toolCalls  an assistant message's tool calls (empty otherwise)
 * @param toolCallId a {@code role: tool} message's answer to that call (null otherwise)
 */
public record ChatMessage(String role, String content, List<ToolCall> toolCalls, String toolCallId) {

    public ChatMessage {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public ChatMessage(String role, String content) {
        this(role, content, List.of(), null);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    /** What the model answered, its tool calls included, to send back as the conversation's history. */
    public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
        return new ChatMessage("assistant", content, toolCalls, null);
    }

    /** The answer to one tool call. */
    public static ChatMessage tool(String toolCallId, String content) {
        return new ChatMessage("tool", content, List.of(), toolCallId);
    }

    /** The same message with other content (how old tool outputs are elided). */
    public ChatMessage withContent(String newContent) {
        return new ChatMessage(role, newContent, toolCalls, toolCallId);
    }

    /** Characters this message puts on the wire, roughly: its content and its calls' names and arguments. */
    int size() {
        int chars = content == null ? 0 : content.length();
        for (ToolCall call : toolCalls) {
            chars += call.name().length() + (call.arguments() == null ? 0 : call.arguments().length()) + 16;
        }
        return chars;
    }
}
