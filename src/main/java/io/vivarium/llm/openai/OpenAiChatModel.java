package io.vivarium.llm.openai;

import io.vivarium.llm.ChatCompletion;
import io.vivarium.llm.ChatModel;
import io.vivarium.llm.ChatRequest;
import io.vivarium.llm.LlmException;
import io.vivarium.llm.LlmSettings;
import io.vivarium.util.NetworkFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chat completions from any OpenAI-compatible endpoint (Together AI by default) on the JDK's HTTP client, tool
 * calls included. Timeouts, 429s (after their {@code Retry-After}) and 5xx are retried with exponential backoff
 * and jitter; other 4xx are not. The key goes in the {@code Authorization} header only and is scrubbed from
 * anything reported.
 */
public final class OpenAiChatModel implements ChatModel {

    private static final Logger log = LoggerFactory.getLogger(OpenAiChatModel.class);
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
    /** A completion is a few KB; an answer beyond this is not one, and is not read into memory whole. */
    private static final int MAX_ANSWER_BYTES = 8 * 1024 * 1024;

    private final LlmSettings settings;
    private volatile HttpClient client;

    public OpenAiChatModel(LlmSettings settings) {
        this.settings = settings;
    }

    /** Built on first use: the JDK client sets up TLS, a tenth of a second that a server without a key never needs. */
    private HttpClient client() {
        HttpClient built = client;
        if (built == null) {
            synchronized (this) {
                if (client == null) {
                    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
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
        HttpRequest http = request(OpenAiWire.body(request, settings));
        LlmException last = null;
        for (int attempt = 0; attempt <= settings.maxRetries(); attempt++) {
            if (attempt > 0) {
                sleep(last instanceof RetryAfter r && r.wait != null ? r.wait : backoff(attempt));
            }
            Answer answer;
            try {
                answer = send(http);
            } catch (IOException e) {
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
                String why = "the LLM endpoint answered " + status + ": "
                        + scrub(OpenAiWire.errorMessage(answer.body()));
                if (status != 429 && status < 500) {
                    throw new LlmException(LlmException.Kind.UPSTREAM, why);
                }
                last = status == 429
                        ? new RetryAfter(why, retryAfter(answer.retryAfter()))
                        : new LlmException(LlmException.Kind.UPSTREAM, why);
                logRetry(attempt, last);
                continue;
            }
            return OpenAiWire.parse(answer.body(), request, settings.model());
        }
        throw last instanceof RetryAfter r ? new LlmException(LlmException.Kind.UPSTREAM, r.getMessage()) : last;
    }

    private HttpRequest request(String body) {
        URI endpoint;
        try {
            endpoint = URI.create(settings.baseUrl().replaceAll("/+$", "") + "/chat/completions");
            return HttpRequest.newBuilder(endpoint)
                    .timeout(settings.timeout())
                    .header("Authorization", "Bearer " + settings.apiKey())
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .build();
        } catch (IllegalArgumentException e) {
            // Either the URL or the key (a stray newline): say which without echoing the key.
            throw new LlmException(LlmException.Kind.NOT_CONFIGURED, "cannot call the LLM endpoint '"
                    + settings.baseUrl() + "': " + scrub(e.getMessage()));
        }
    }

    private Answer send(HttpRequest http) throws IOException {
        HttpResponse<InputStream> response;
        try {
            response = client().send(http, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmException(LlmException.Kind.TIMEOUT, "interrupted while waiting for the LLM endpoint");
        }
        try (InputStream body = response.body()) {
            return new Answer(response.statusCode(), read(body),
                    response.headers().firstValue("Retry-After").orElse(null));
        }
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
