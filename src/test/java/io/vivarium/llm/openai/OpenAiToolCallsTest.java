package io.vivarium.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.llm.ChatCompletion;
import io.vivarium.llm.ChatMessage;
import io.vivarium.llm.ChatRequest;
import io.vivarium.llm.LlmSettings;
import io.vivarium.llm.ToolCall;
import io.vivarium.llm.ToolSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The tool-call half of the OpenAI format, as the client writes and reads it over real HTTP. */
class OpenAiToolCallsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private MockWebServer server;
    private OpenAiChatModel model;

    @BeforeEach
    void setUp() throws Exception {
        server = new MockWebServer();
        server.start();
        model = new OpenAiChatModel(new LlmSettings(server.url("/v1/").toString(), "m", "sk-secret",
                Duration.ofSeconds(5), 0.88, 0.88, 0, Duration.ofMillis(10), true, 4096));
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
    }

    @Test
    void toolsAndTheToolHistoryGoOutInTheStandardShape() throws Exception {
        server.enqueue(json("""
                {"choices": [{"message": {"role": "assistant", "content": "done"}, "finish_reason": "stop"}],
                 "usage": {"prompt_tokens": 10, "completion_tokens": 2}}"""));
        ChatRequest request = new ChatRequest(List.of(ChatMessage.user("fix it"),
                ChatMessage.assistant(null, List.of(new ToolCall("call_1", "read_file", "{\"path\":\"a.py\"}"))),
                ChatMessage.tool("call_1", "1| x = 1")), 100, true,
                List.of(new ToolSpec("read_file", "Read a file", Map.of("type", "object"))));

        ChatCompletion answer = model.complete(request);

        assertThat(answer.content()).isEqualTo("done");
        assertThat(answer.toolCalls()).isEmpty();
        JsonNode body = JSON.readTree(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8());
        assertThat(body.get("tools").get(0).toString()).isEqualTo("{\"type\":\"function\",\"function\":"
                + "{\"name\":\"read_file\",\"description\":\"Read a file\",\"parameters\":{\"type\":\"object\"}}}");
        assertThat(body.has("response_format")).as("JSON mode is never asked with tools").isFalse();
        JsonNode assistant = body.get("messages").get(1);
        assertThat(assistant.get("content").isNull()).isTrue();
        assertThat(assistant.get("tool_calls").get(0).toString()).isEqualTo("{\"id\":\"call_1\",\"type\":"
                + "\"function\",\"function\":{\"name\":\"read_file\",\"arguments\":\"{\\\"path\\\":\\\"a.py\\\"}\"}}");
        assertThat(body.get("messages").get(2).toString())
                .isEqualTo("{\"role\":\"tool\",\"content\":\"1| x = 1\",\"tool_call_id\":\"call_1\"}");
    }

    @Test
    void toolCallsAreReadWithStringOrObjectArgumentsAndWithoutIds() {
        server.enqueue(json("""
                {"choices": [{"message": {"role": "assistant", "content": null, "tool_calls": [
                  {"id": "c1", "type": "function", "function": {"name": "read_file", "arguments": "{\\"path\\": \\"a\\"}"}},
                  {"type": "function", "function": {"name": "run_check", "arguments": {}}},
                  {"type": "function", "function": {"name": "finish"}}]}, "finish_reason": "tool_calls"}]}"""));

        ChatCompletion answer = model.complete(new ChatRequest(List.of(ChatMessage.user("go")), 100, false));

        assertThat(answer.content()).isEmpty();
        assertThat(answer.toolCalls()).containsExactly(new ToolCall("c1", "read_file", "{\"path\": \"a\"}"),
                new ToolCall("call_1", "run_check", "{}"), new ToolCall("call_2", "finish", ""));
        assertThat(answer.usage().completionTokens()).isPositive();
    }

    @Test
    void aRejectedKeyIsNotEchoed() {
        server.enqueue(new MockResponse.Builder().code(401)
                .body("{\"error\": {\"message\": \"bad key sk-secret\"}}").build());

        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        model.complete(new ChatRequest(List.of(ChatMessage.user("go")), 100, false)))
                .hasMessage("the LLM endpoint answered 401: bad key [redacted]");
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
    }
}
