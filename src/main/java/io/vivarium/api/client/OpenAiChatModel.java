package io.vivarium.api.client;

import io.vivarium.llm.ChatCompletion;
import io.vivarium.llm.ChatMessage;
import io.vivarium.llm.ChatModel;
import io.vivarium.llm.ChatRequest;
import io.vivarium.llm.LlmException;
import io.vivarium.llm.LlmSettings;
import io.vivarium.llm.TokenUsage;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chat completions from any OpenAI-compatible endpoint (Together AI by default) over Spring's {@link RestClient}
 * on the JDK's HTTP client. Timeouts, 429s
 * (after their {@code Retry-After}) and 5xx are retried with exponential backoff and jitter; other 4xx are not.
 * The key goes in the {@code Authorization} header only and is scrubbed from anything reported.
 */
public final class OpenAiChatModel implements ChatModel {

    private static final Logger log = LoggerFactory.getLogger(OpenAiChatModel.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
    /** A completion is a few KB; an answer beyond this is not one, and is not read into memory whole. */
    private static final int MAX_ANSWER_BYTES = 8 * 1024 * 1024;

    private final LlmSettings settings;
    private volatile RestClient client;

    public OpenAiChatModel(LlmSettings settings) {
        this.settings = settings;
    }

    /** Built on first use: the JDK client sets up TLS, a tenth of a second that a server without a key never needs. */
    private RestClient client() {
        RestClient built = client;
        if (built == null) {
            synchronized (this) {
                if (client == null) {
                    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                    JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(http);
                    requests.setReadTimeout(settings.timeout());
                    client = RestClient.builder()
                            .baseUrl(settings.baseUrl().replaceAll("/+$", ""))
                            .requestFactory(requests)
                            .build();
                }
                built = client;
            }
        }
        return built;
    }

    /** What came back: the status, the body (bounded) and the one header a retry needs. */
    private record Answer(int status, String body, String retryAfter) {
    }

    @Override
    public ChatCompletion complete(ChatRequest request) {
        if (!settings.hasKey()) {
            throw new LlmException(LlmException.Kind.NOT_CONFIGURED, "no LLM API key: set "
                    + LlmSettings.KEY_VARIABLE + " (in the environment or the workspace's .env)");
        }
        String body = JSON.writeValueAsString(body(request));
        LlmException last = null;
        for (int attempt = 0; attempt <= settings.maxRetries(); attempt++) {
            if (attempt > 0) {
                sleep(last instanceof RetryAfter r && r.wait != null ? r.wait : backoff(attempt));
            }
            Answer answer;
            try {
                answer = client().post().uri("/chat/completions")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + settings.apiKey())
                        .contentType(MediaType.APPLICATION_JSON)
                        .accept(MediaType.APPLICATION_JSON)
                        .body(body)
                        .exchange((req, response) -> new Answer(response.getStatusCode().value(),
                                read(response.getBody()), response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)));
            } catch (ResourceAccessException e) {
                last = NetworkFailure.isTimeout(e)
                        ? new LlmException(LlmException.Kind.TIMEOUT, "the LLM endpoint did not answer within "
                                + settings.timeout().toMillis() / 1000.0 + " s")
                        : new LlmException(LlmException.Kind.UPSTREAM, "cannot reach the LLM endpoint at "
                                + settings.baseUrl() + ": " + scrub(NetworkFailure.describe(e)));
                logRetry(attempt, last);
                continue;
            }
            int status = answer.status();
            if (status >= 300) {
                String why = "the LLM endpoint answered " + status + ": " + scrub(errorMessage(answer.body()));
                if (status != 429 && status < 500) {
                    throw new LlmException(LlmException.Kind.UPSTREAM, why);
                }
                last = status == 429
                        ? new RetryAfter(why, retryAfter(answer.retryAfter()))
                        : new LlmException(LlmException.Kind.UPSTREAM, why);
                logRetry(attempt, last);
                continue;
            }
            return parse(answer.body(), request);
        }
        throw last instanceof RetryAfter r ? new LlmException(LlmException.Kind.UPSTREAM, r.getMessage()) : last;
    }

    private static String read(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(MAX_ANSWER_BYTES + 1);
        if (bytes.length > MAX_ANSWER_BYTES) {
            throw new LlmException(LlmException.Kind.BAD_ANSWER, "the LLM endpoint's reply is larger than "
                    + MAX_ANSWER_BYTES / (1024 * 1024) + " MiB");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private void logRetry(int attempt, LlmException failure) {
        log.warn("LLM attempt {} of {} failed: {}", attempt + 1, settings.maxRetries() + 1, failure.getMessage());
    }

    private Map<String, Object> body(ChatRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", settings.model());
        List<Map<String, String>> messages = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            messages.add(Map.of("role", m.role(), "content", m.content()));
        }
        body.put("messages", messages);
        body.put("max_tokens", request.maxTokens());
        body.put("temperature", 0.2);
        if (request.jsonAnswer() && settings.jsonMode()) {
            body.put("response_format", Map.of("type", "json_object"));
        }
        return body;
    }

    private ChatCompletion parse(String answer, ChatRequest request) {
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
        String content = choice.path("message").path("content").asString("");
        JsonNode usage = root.path("usage");
        TokenUsage tokens = usage.has("prompt_tokens")
                ? new TokenUsage(usage.path("prompt_tokens").asInt(), usage.path("completion_tokens").asInt())
                : new TokenUsage(request.estimatedInputTokens(), content.length() / 4 + 1);
        return new ChatCompletion(content, tokens, root.path("model").asString(settings.model()),
                choice.path("finish_reason").asString(null));
    }

    private Duration backoff(int attempt) {
        long base = settings.retryBackoff().toMillis() << Math.min(attempt - 1, 10);
        long jitter = (long) (base * ThreadLocalRandom.current().nextDouble(0, 0.5));
        return Duration.ofMillis(base + jitter);
    }

    private static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            Duration wait = Duration.ofMillis(Math.round(Double.parseDouble(header.trim()) * 1000));
            return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
        } catch (NumberFormatException seconds) {
            try {
                Duration wait = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
                return wait.isNegative() ? Duration.ZERO : wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
            } catch (RuntimeException date) {
                return null;
            }
        }
    }

    private static String errorMessage(String body) {
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

    private String scrub(String text) {
        return settings.hasKey() && text != null ? text.replace(settings.apiKey(), "[redacted]") : text;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmException(LlmException.Kind.TIMEOUT, "interrupted while waiting to retry");
        }
    }

    /** A 429, carrying how long the endpoint asked us to wait. */
    private static final class RetryAfter extends LlmException {
        final Duration wait;

        RetryAfter(String message, Duration wait) {
            super(Kind.UPSTREAM, message);
            this.wait = wait;
        }
    }
}
