package io.vivarium.support;

import java.util.Map;
import mockwebserver3.MockResponse;
import tools.jackson.databind.json.JsonMapper;

/** OpenAI-compatible chat-completion bodies for the mockwebserver3 stand-in. */
public final class LlmStandIn {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private LlmStandIn() {
    }

    public static MockResponse completion(String content) {
        return completion(content, 1200, 300);
    }

    public static MockResponse completion(String content, int promptTokens, int completionTokens) {
        return completion(content, promptTokens, completionTokens, "stop");
    }

    /** An answer the endpoint stopped at {@code max_tokens}: {@code finish_reason} is {@code length}. */
    public static MockResponse cutOff(String content) {
        return completion(content, 1200, 2048, "length");
    }

    private static MockResponse completion(String content, int promptTokens, int completionTokens, String finishReason) {
        String body = JSON.writeValueAsString(Map.of(
                "id", "cmpl-1", "object", "chat.completion", "model", "meta-llama/Llama-3.3-70B-Instruct-Turbo",
                "choices", java.util.List.of(Map.of("index", 0, "finish_reason", finishReason,
                        "message", Map.of("role", "assistant", "content", content))),
                "usage", Map.of("prompt_tokens", promptTokens, "completion_tokens", completionTokens,
                        "total_tokens", promptTokens + completionTokens)));
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
    }

    public static MockResponse error(int code, String message) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json")
                .body("{\"error\": {\"message\": \"" + message + "\"}}").build();
    }

    public static final String GOOD_PLAN = """
            {"tasks": [
              {"id": "add_tests_for_parser", "description": "Add unit tests for parser.py", "priority": "high",
               "depends_on": [], "files": ["app/parser.py"]},
              {"id": "refactor_main", "description": "Split main.py into smaller modules", "priority": "medium",
               "depends_on": ["add_tests_for_parser"], "files": ["main.py"]},
              {"id": "docs", "description": "Document the public functions of utils.py", "priority": "low",
               "depends_on": [], "files": ["app/utils.py"]}
            ]}""";
}
