package io.vivarium.llm.openai;

import io.vivarium.llm.ChatCompletion;
import io.vivarium.llm.ChatMessage;
import io.vivarium.llm.ChatRequest;
import io.vivarium.llm.LlmException;
import io.vivarium.llm.LlmSettings;
import io.vivarium.llm.TokenUsage;
import io.vivarium.llm.ToolCall;
import io.vivarium.llm.ToolSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The OpenAI chat-completions format: the request's JSON body and the answer's parts, tool calls included. */
final class OpenAiWire {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private OpenAiWire() {
    }

    static String body(ChatRequest request, LlmSettings settings) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", settings.model());
        List<Map<String, Object>> messages = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            messages.add(message(m));
        }
        body.put("messages", messages);
        if (!request.tools().isEmpty()) {
            List<Map<String, Object>> tools = new ArrayList<>();
            for (ToolSpec t : request.tools()) {
                tools.add(ordered("type", "function", "function",
                        ordered("name", t.name(), "description", t.description(), "parameters", t.parameters())));
            }
            body.put("tools", tools);
            body.put("tool_choice", "auto");
        }
        body.put("max_tokens", request.maxTokens());
        body.put("temperature", 0.2);
        // JSON mode and tools do not mix on several servers; a tool-calling request never asks for it.
        if (request.jsonAnswer() && settings.jsonMode() && request.tools().isEmpty()) {
            body.put("response_format", Map.of("type", "json_object"));
        }
        return JSON.writeValueAsString(body);
    }

    private static Map<String, Object> message(ChatMessage m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("role", m.role());
        // An assistant message that only called tools carries content null, as the format has it.
        out.put("content", m.content() == null && !m.toolCalls().isEmpty() ? null
                : m.content() == null ? "" : m.content());
        if (!m.toolCalls().isEmpty()) {
            List<Map<String, Object>> calls = new ArrayList<>();
            for (ToolCall c : m.toolCalls()) {
                calls.add(ordered("id", c.id(), "type", "function",
                        "function", ordered("name", c.name(), "arguments", c.arguments() == null ? "" : c.arguments())));
            }
            out.put("tool_calls", calls);
        }
        if (m.toolCallId() != null) {
            out.put("tool_call_id", m.toolCallId());
        }
        return out;
    }

    /** A JSON object whose fields keep the order given: requests read the same in every log and test. */
    private static Map<String, Object> ordered(Object... namesAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            out.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return out;
    }

    static ChatCompletion parse(String answer, ChatRequest request, String defaultModel) {
        JsonNode root;
        try {
            root = JSON.readTree(answer == null ? "" : answer);
        } catch (RuntimeException e) {
            throw new LlmException(LlmException.Kind.BAD_ANSWER, "the LLM endpoint's reply is not JSON");
        }
        JsonNode choice = root.path("choices").path(0);
        if (choice.isMissingNode()) {
            throw new LlmException(LlmException.Kind.BAD_ANSWER, "the LLM endpoint's reply has no choices");
        }
        JsonNode message = choice.path("message");
        String content = message.path("content").asString("");
        List<ToolCall> calls = toolCalls(message.path("tool_calls"));
        JsonNode usage = root.path("usage");
        int written = content.length();
        for (ToolCall c : calls) {
            written += c.name().length() + c.arguments().length();
        }
        TokenUsage tokens = usage.has("prompt_tokens")
                ? new TokenUsage(usage.path("prompt_tokens").asInt(), usage.path("completion_tokens").asInt())
                : new TokenUsage(request.estimatedInputTokens(), written / 4 + 1);
        return new ChatCompletion(content, tokens, root.path("model").asString(defaultModel),
                choice.path("finish_reason").asString(null), calls);
    }

    private static List<ToolCall> toolCalls(JsonNode array) {
        if (!array.isArray()) {
            return List.of();
        }
        List<ToolCall> calls = new ArrayList<>();
        int index = 0;
        for (JsonNode call : array) {
            JsonNode function = call.path("function");
            JsonNode arguments = function.path("arguments");
            // Most servers send the arguments as a JSON string; some (older Ollama) as the object itself.
            String text = arguments.isString() ? arguments.asString()
                    : arguments.isMissingNode() || arguments.isNull() ? "" : JSON.writeValueAsString(arguments);
            String id = call.path("id").asString("");
            calls.add(new ToolCall(id.isEmpty() ? "call_" + index : id, function.path("name").asString(""), text));
            index++;
        }
        return calls;
    }

    static String errorMessage(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            String message = node.path("error").path("message").asString(node.path("message").asString(null));
            if (message != null) {
                return message;
            }
        } catch (RuntimeException notJson) {
            // fall through to the raw text
        }
        String text = body == null ? "" : body.strip();
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
