package io.vivarium.cli;

import io.vivarium.api.client.OpenAiChatModel;
import io.vivarium.grind.GrindEngine;
import io.vivarium.grind.GrindSettings;
import io.vivarium.llm.LlmSettings;
import io.vivarium.llm.PromptGrinds;
import java.nio.file.Path;

/** Settings the CLI reads from the environment, or from the workspace's {@code .env} (see {@code DotEnv}). */
final class CliEnvironment {

    private CliEnvironment() {
    }

    static String lookup(String name) {
        String value = System.getenv(name);
        return value != null && !value.isBlank() ? value : System.getProperty(name);
    }

    static LlmSettings llm() {
        try {
            return LlmSettings.from(CliEnvironment::lookup);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
    }

    /** The local grind engine, with prompt grinds when an LLM key is set. */
    static GrindEngine grindEngine(Path workspace, GrindSettings settings) {
        LlmSettings llm = llm();
        return new GrindEngine(workspace, settings, llm.hasKey() ? new PromptGrinds(new OpenAiChatModel(llm), llm) : null);
    }
}
