package io.vivarium.code.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The model's side of the conversation for mockwebserver3: scripted turns answered in the OpenAI format, with
 * the usage counted from what was really sent (~4 characters a token, the rule of thumb for Llama's tokenizer on
 * English and code) so that the tests' token counts and costs are those of the agent's real requests.
 */
final class ScriptedModel extends Dispatcher {

    static final JsonMapper JSON = JsonMapper.builder().build();

    record Call(String name, String arguments) {
    }

    /** Characters per prompt token; a model whose tokenizer is heavier than the rule of thumb counts fewer. */
    private volatile int charsPerToken = 4;
    private final ConcurrentLinkedQueue<Function<JsonNode, MockResponse>> turns = new ConcurrentLinkedQueue<>();
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    static Call call(String name, Map<String, Object> arguments) {
        return new Call(name, JSON.writeValueAsString(arguments));
    }

    /** A call whose arguments are sent exactly as given, malformed JSON included. */
    static Call raw(String name, String arguments) {
        return new Call(name, arguments);
    }

    ScriptedModel calls(Call... calls) {
        turns.add(request -> toolCalls(request, calls));
        return this;
    }

    ScriptedModel text(String content) {
        turns.add(request -> answer(Map.of("role", "assistant", "content", content), "stop",
                promptTokens(request), content.length() / 4 + 1));
        return this;
    }

    /** From now on prompts count {@code chars} characters a token (2: twice what the agent's estimate assumes). */
    ScriptedModel promptCharsPerToken(int chars) {
        charsPerToken = chars;
        return this;
    }

    ScriptedModel respond(MockResponse response) {
        turns.add(request -> response);
        return this;
    }

    @Override
    public MockResponse dispatch(RecordedRequest recorded) {
        JsonNode request = JSON.readTree(recorded.getBody().utf8());
        requests.add(request);
        Function<JsonNode, MockResponse> next = turns.poll();
        return next == null ? new MockResponse.Builder().code(500).body("{\"error\":{\"message\":\"script over\"}}")
                .build() : next.apply(request);
    }

    /** What the tool messages of the last request said, in order. */
    List<String> toolAnswers(int requestIndex) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : requests.get(requestIndex).get("messages")) {
            if (m.path("role").asString().equals("tool")) {
                out.add(m.path("content").asString());
            }
        }
        return out;
    }

    /** The answer to the last tool call made before request {@code requestIndex}. */
    String lastToolAnswer(int requestIndex) {
        List<String> answers = toolAnswers(requestIndex);
        return answers.get(answers.size() - 1);
    }

    private MockResponse toolCalls(JsonNode request, Call... calls) {
        List<Map<String, Object>> toolCalls = new ArrayList<>();
        int written = 0;
        for (int i = 0; i < calls.length; i++) {
            toolCalls.add(Map.of("id", "call_" + request.get("messages").size() + "_" + i, "type", "function",
                    "function", Map.of("name", calls[i].name(), "arguments", calls[i].arguments())));
            written += calls[i].name().length() + calls[i].arguments().length() + 40;
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        message.put("content", null);
        message.put("tool_calls", toolCalls);
        return answer(message, "tool_calls", promptTokens(request), written / 4 + 1);
    }

    private int promptTokens(JsonNode request) {
        int chars = JSON.writeValueAsString(request.get("messages")).length()
                + (request.has("tools") ? JSON.writeValueAsString(request.get("tools")).length() : 0);
        return chars / charsPerToken + 1;
    }

    private static MockResponse answer(Map<String, Object> message, String finishReason, int promptTokens,
                                       int completionTokens) {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("finish_reason", finishReason);
        choice.put("message", message);
        String body = JSON.writeValueAsString(Map.of("id", "cmpl-1", "object", "chat.completion",
                "model", "meta-llama/Llama-3.3-70B-Instruct-Turbo", "choices", List.of(choice),
                "usage", Map.of("prompt_tokens", promptTokens, "completion_tokens", completionTokens,
                        "total_tokens", promptTokens + completionTokens)));
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
    }
}
