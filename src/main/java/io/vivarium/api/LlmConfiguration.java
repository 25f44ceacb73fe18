package io.vivarium.api;

import io.vivarium.llm.openai.OpenAiChatModel;
import io.vivarium.llm.ChatModel;
import io.vivarium.llm.LlmSettings;
import io.vivarium.plan.Planner;
import io.vivarium.plan.ScanSettings;
import io.vivarium.store.TaskStore;
import java.util.Arrays;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import java.time.Duration;

/**
 * The LLM and the planner. Each setting is read from its {@code vivarium.llm.*} / {@code vivarium.plan.*} property
 * when set, else from the variable the CLI reads ({@code TOGETHER_API_KEY}, {@code VIVARIUM_LLM_*}), so that the
 * defaults live in one place: {@link LlmSettings}.
 */
@Configuration(proxyBeanMethods = false)
class LlmConfiguration {

    private static final Map<String, String> PROPERTY_OF = Map.of(
            "TOGETHER_API_KEY", "vivarium.llm.api-key",
            "VIVARIUM_LLM_BASE_URL", "vivarium.llm.base-url",
            "VIVARIUM_LLM_MODEL", "vivarium.llm.model",
            "VIVARIUM_LLM_TIMEOUT_SECONDS", "vivarium.llm.timeout-seconds",
            "VIVARIUM_LLM_INPUT_PRICE", "vivarium.llm.input-price",
            "VIVARIUM_LLM_OUTPUT_PRICE", "vivarium.llm.output-price",
            "VIVARIUM_LLM_MAX_RETRIES", "vivarium.llm.max-retries",
            "VIVARIUM_LLM_JSON_MODE", "vivarium.llm.json-mode");

    @Bean
    LlmSettings llmSettings(Environment env) {
        LlmSettings settings = LlmSettings.from(name -> {
            String property = env.getProperty(PROPERTY_OF.getOrDefault(name, name));
            return property != null && !property.isBlank() ? property : env.getProperty(name);
        });
        String backoff = env.getProperty("vivarium.llm.retry-backoff-ms");
        return backoff == null ? settings : settings.withRetryBackoff(Duration.ofMillis(Long.parseLong(backoff)));
    }

    @Bean
    ChatModel chatModel(LlmSettings settings) {
        return new OpenAiChatModel(settings);
    }

    @Bean
    Planner planner(ChatModel model, LlmSettings settings, TaskStore store, VivariumProperties properties,
                    Environment env) {
        String globs = env.getProperty("vivarium.plan.globs", env.getProperty("VIVARIUM_PLAN_GLOBS", "**/*.py"));
        ScanSettings scan = ScanSettings.defaults().withGlobs(Arrays.stream(globs.split(","))
                .map(String::strip).filter(g -> !g.isEmpty()).toList());
        return new Planner(model, settings, store, properties.workspace(), scan);
    }
}
