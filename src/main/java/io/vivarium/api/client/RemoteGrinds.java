package io.vivarium.api.client;

import io.vivarium.grind.GrindControl;
import io.vivarium.grind.GrindRequest;
import io.vivarium.grind.GrindRunner;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Money;
import io.vivarium.util.NetworkFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs each grind on a Vivarium server's {@code POST /grind} ({@code start --api-url}). The worker still claims,
 * heartbeats and records locally; only the work happens on the server.
 *
 * <p>A remote grind ends when its claim ends: stopping the {@link GrindControl} (the claim was cancelled, taken
 * over or removed; the worker shuts down) aborts the HTTP exchange and closes its connection, and the server stops
 * the grind when it finds its client gone. A worker that dies closes the connection with it.
 */
public final class RemoteGrinds implements GrindRunner {

    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
    /** A grind's answer carries at most a 64 KiB output tail; anything far beyond is not an answer. */
    private static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;

    private final URI base;
    private final RestClient client;

    public RemoteGrinds(URI base, String token) {
        this.base = base;
        // HTTP/1.1: one connection per exchange in flight, so aborting an exchange closes exactly its connection.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        RestClient.Builder builder = RestClient.builder()
                .baseUrl(base.toString())
                .requestFactory(new JdkClientHttpRequestFactory(http))
                .defaultHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE);
        if (token != null && !token.isBlank()) {
            builder.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        }
        this.client = builder.build();
    }

    private record Answer(int status, String body) {
    }

    @Override
    public GrindResult run(GrindRequest request, GrindControl control) {
        String json = JSON.writeValueAsString(body(request));
        AtomicReference<InputStream> body = new AtomicReference<>();
        // The exchange runs on a thread of its own, which stopping interrupts: the JDK client then cancels it.
        FutureTask<Answer> exchange = new FutureTask<>(() -> client.post().uri("/grind").body(json)
                .exchange((req, response) -> {
                    InputStream in = response.getBody();
                    body.set(in);
                    if (control.isStopped()) {
                        in.close();
                    }
                    return new Answer(response.getStatusCode().value(), read(in));
                }));
        Thread thread = new Thread(exchange, "remote-grind-" + Objects.requireNonNullElse(request.label(), "http"));
        thread.setDaemon(true);
        thread.start();
        control.whenStopped(() -> {
            exchange.cancel(true);
            // Once the answer has begun, closing its stream closes the connection. (Not the response's own
            // close(): that first reads the rest of the body, which a grind's heartbeats never end.)
            closeQuietly(body.get());
        });
        try {
            return toResult(exchange.get(), request);
        } catch (CancellationException e) {
            return stopped(control);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            return GrindResult.failure(0, "interrupted while waiting for " + base, null, null);
        } catch (ExecutionException e) {
            return control.isStopped() ? stopped(control) : failure(e.getCause());
        }
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException alreadyGone) {
                // nothing left to end
            }
        }
    }

    private static GrindResult stopped(GrindControl control) {
        return GrindResult.failure(0, "stopped: " + control.stopReason(), null, null);
    }

    private GrindResult toResult(Answer answer, GrindRequest request) {
        if (answer.status() >= 300) {
            String error = "API at " + base + " answered " + answer.status() + ": " + detailOf(answer.body());
            // A 4xx will be refused again; a 5xx may pass on another attempt.
            return answer.status() < 500
                    ? GrindResult.finalFailure(0, error, null, null)
                    : GrindResult.failure(0, error, null, null);
        }
        JsonNode body;
        try {
            body = JSON.readTree(answer.body());
        } catch (RuntimeException e) {
            return GrindResult.failure(0, "API at " + base + " answered with a body that is not a grind's result",
                    null, null);
        }
        // The charge goes into the spend ledger, which counts on it never passing the cap the grind was given.
        double budget = Money.round(Math.min(request.maxBudget(), Math.max(0, body.path("budget_used").asDouble(0))));
        Integer exitCode = body.hasNonNull("exit_code") ? body.get("exit_code").asInt() : null;
        String output = body.hasNonNull("output") ? body.get("output").asString() : null;
        long tokensIn = Math.max(0, body.path("usage").path("prompt_tokens").asLong(0));
        long tokensOut = Math.max(0, body.path("usage").path("completion_tokens").asLong(0));
        if ("completed".equals(body.path("status").asString(""))) {
            return GrindResult.success(budget, body.path("result").asString(""), exitCode, output)
                    .withTokens(tokensIn, tokensOut);
        }
        String error = body.hasNonNull("error") ? body.get("error").asString() : body.path("result").asString("failed");
        return (error.startsWith("budget exhausted")
                ? GrindResult.finalFailure(budget, error, exitCode, output)
                : GrindResult.failure(budget, error, exitCode, output)).withTokens(tokensIn, tokensOut);
    }

    private GrindResult failure(Throwable cause) {
        if (cause instanceof ResourceAccessException && NetworkFailure.isRefused(cause)) {
            return GrindResult.failure(0, "Cannot connect to API at " + base, null, null);
        }
        return GrindResult.failure(0, "request to API at " + base + " failed: " + NetworkFailure.describe(cause),
                null, null);
    }

    private static String read(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(MAX_ANSWER_BYTES + 1);
        if (bytes.length > MAX_ANSWER_BYTES) {
            throw new IOException("the answer is larger than " + MAX_ANSWER_BYTES / (1024 * 1024) + " MiB");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Map<String, Object> body(GrindRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task_id", request.label());
        body.put("command", request.command());
        body.put("prompt", request.prompt());
        body.put("min_budget", request.minBudget());
        body.put("max_budget", request.maxBudget());
        body.put("intensity", request.intensity().wireName());
        if (request.timeout() != null) {
            body.put("timeout", request.timeout().toMillis() / 1000.0);
        }
        body.values().removeIf(Objects::isNull);
        return body;
    }

    private static String detailOf(String problem) {
        try {
            JsonNode node = JSON.readTree(problem);
            return node.hasNonNull("detail") ? node.get("detail").asString() : problem;
        } catch (RuntimeException notJson) {
            return problem.length() > 200 ? problem.substring(0, 200) : problem;
        }
    }
}
