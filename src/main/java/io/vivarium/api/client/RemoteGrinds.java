package io.vivarium.api.client;

import io.vivarium.grind.GrindControl;
import io.vivarium.grind.GrindRequest;
import io.vivarium.grind.GrindRunner;
import io.vivarium.task.GrindResult;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs each grind on a Vivarium server's {@code POST /grind} ({@code start --api-url}). The worker still claims,
 * heartbeats and records locally; only the work happens on the server.
 */
public final class RemoteGrinds implements GrindRunner {

    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    private final URI base;
    private final WebClient client;

    public RemoteGrinds(URI base, String token) {
        this.base = base;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        WebClient.Builder builder = WebClient.builder()
                .baseUrl(base.toString())
                .clientConnector(new JdkClientHttpConnector(http))
                .defaultHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE);
        if (token != null && !token.isBlank()) {
            builder.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        }
        this.client = builder.build();
    }

    @Override
    public GrindResult run(GrindRequest request, GrindControl control) {
        CompletableFuture<String> call = client.post().uri("/grind")
                .bodyValue(JSON.writeValueAsString(body(request)))
                .retrieve()
                .bodyToMono(String.class)
                .toFuture();
        control.whenStopped(() -> call.cancel(true));
        try {
            return toResult(JSON.readTree(call.get()));
        } catch (CancellationException e) {
            return GrindResult.failure(0, "stopped: " + control.stopReason(), null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return GrindResult.failure(0, "interrupted while waiting for " + base, null, null);
        } catch (ExecutionException e) {
            return failure(e.getCause());
        }
    }

    private GrindResult failure(Throwable cause) {
        if (cause instanceof WebClientRequestException request) {
            boolean refused = causedBy(request, ConnectException.class);
            return GrindResult.failure(0, (refused ? "Cannot connect to API at " : "request to API at ")
                    + base + (refused ? "" : " failed: " + request.getMostSpecificCause()), null, null);
        }
        if (cause instanceof WebClientResponseException response) {
            String detail = detailOf(response.getResponseBodyAsString());
            String error = "API at " + base + " answered " + response.getStatusCode().value() + ": " + detail;
            // A 4xx will be refused again; a 5xx may pass on another attempt.
            return response.getStatusCode().is4xxClientError()
                    ? GrindResult.finalFailure(0, error, null, null)
                    : GrindResult.failure(0, error, null, null);
        }
        return GrindResult.failure(0, "request to API at " + base + " failed: " + cause, null, null);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static GrindResult toResult(JsonNode body) {
        double budget = body.path("budget_used").asDouble(0);
        Integer exitCode = body.hasNonNull("exit_code") ? body.get("exit_code").asInt() : null;
        String output = body.hasNonNull("output") ? body.get("output").asString() : null;
        if ("completed".equals(body.path("status").asString(""))) {
            return GrindResult.success(budget, body.path("result").asString(""), exitCode, output);
        }
        String error = body.hasNonNull("error") ? body.get("error").asString() : body.path("result").asString("failed");
        return error.startsWith("budget exhausted")
                ? GrindResult.finalFailure(budget, error, exitCode, output)
                : GrindResult.failure(budget, error, exitCode, output);
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
        body.values().removeIf(java.util.Objects::isNull);
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
