package io.vivarium.llm;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Where the model is and what it costs. Defaults: Together AI's OpenAI-compatible endpoint and Llama 3.3 70B
 * Instruct Turbo at $0.88 per million tokens in and out. The key is never part of {@link #toString()}.
 */
public record LlmSettings(String baseUrl, String model, String apiKey, Duration timeout,
                          double inputDollarsPerMillion, double outputDollarsPerMillion, int maxRetries,
                          Duration retryBackoff, boolean jsonMode, int maxAnswerTokens) {

    public static final String DEFAULT_BASE_URL = "https://api.together.xyz/v1";
    public static final String DEFAULT_MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo";
    public static final String KEY_VARIABLE = "TOGETHER_API_KEY";

    public LlmSettings {
        if (inputDollarsPerMillion < 0 || outputDollarsPerMillion <= 0) {
            throw new IllegalArgumentException("LLM prices must be positive dollars per million tokens");
        }
        if (maxRetries < 0 || maxAnswerTokens < 1) {
            throw new IllegalArgumentException("LLM retries must be >= 0 and max answer tokens >= 1");
        }
    }

    /**
     * From {@code TOGETHER_API_KEY} and {@code VIVARIUM_LLM_*} variables (base URL, model, timeout in seconds,
     * prices per million input/output tokens), each looked up with {@code lookup}.
     */
    public static LlmSettings from(Function<String, String> lookup) {
        return new LlmSettings(
                or(lookup.apply("VIVARIUM_LLM_BASE_URL"), DEFAULT_BASE_URL),
                or(lookup.apply("VIVARIUM_LLM_MODEL"), DEFAULT_MODEL),
                lookup.apply(KEY_VARIABLE),
                Duration.ofMillis(Math.round(1000 * number(lookup, "VIVARIUM_LLM_TIMEOUT_SECONDS", 60))),
                number(lookup, "VIVARIUM_LLM_INPUT_PRICE", 0.88),
                number(lookup, "VIVARIUM_LLM_OUTPUT_PRICE", 0.88),
                (int) number(lookup, "VIVARIUM_LLM_MAX_RETRIES", 3),
                Duration.ofSeconds(1),
                !"false".equalsIgnoreCase(lookup.apply("VIVARIUM_LLM_JSON_MODE")),
                4096);
    }

    public static LlmSettings from(Map<String, String> values) {
        return from(values::get);
    }

    public boolean hasKey() {
        return apiKey != null && !apiKey.isBlank();
    }

    public double costOf(TokenUsage usage) {
        return (usage.promptTokens() * inputDollarsPerMillion + usage.completionTokens() * outputDollarsPerMillion) / 1e6;
    }

    public LlmSettings withRetryBackoff(Duration backoff) {
        return new LlmSettings(baseUrl, model, apiKey, timeout, inputDollarsPerMillion, outputDollarsPerMillion,
                maxRetries, backoff, jsonMode, maxAnswerTokens);
    }

    @Override
    public String toString() {
        return "LlmSettings[baseUrl=" + baseUrl + ", model=" + model + ", apiKey=" + (hasKey() ? "(set)" : "(none)")
                + ", timeout=" + timeout + ", prices=" + inputDollarsPerMillion + "/" + outputDollarsPerMillion
                + " per 1M tokens]";
    }

    private static String or(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    private static double number(Function<String, String> lookup, String name, double fallback) {
        String value = lookup.apply(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number (got '" + value + "')");
        }
    }
}
