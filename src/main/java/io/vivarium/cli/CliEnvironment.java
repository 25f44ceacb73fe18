package io.vivarium.cli;

import io.vivarium.app.Assembly;
import io.vivarium.code.CodeSettings;
import io.vivarium.llm.openai.OpenAiChatModel;
import io.vivarium.config.Settings;
import io.vivarium.grind.GrindRunner;
import io.vivarium.store.TaskEntry;
import io.vivarium.store.TaskStore;
import io.vivarium.grind.GrindEngine;
import io.vivarium.grind.GrindSettings;
import io.vivarium.llm.LlmSettings;
import java.nio.file.Path;

/** What the CLI builds from a workspace's {@link Settings} (the environment, then the workspace's {@code .env}). */
final class CliEnvironment {

    static final String API_TOKEN = "VIVARIUM_API_TOKEN";

    private CliEnvironment() {
    }

    static LlmSettings llm(Settings settings) {
        try {
            return LlmSettings.from(settings::get);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
    }

    /**
     * The local grinds: the engine, and code grinds for worktree tasks, whose dependencies' commits and last
     * attempts are read from {@code store}.
     */
    static GrindRunner grinds(Path workspace, Settings settings, PoolOptions pool, TaskStore store) {
        LlmSettings llm = llm(settings);
        String push = pool.push == null || pool.push.isBlank() ? settings.get(CodeSettings.PUSH_VARIABLE) : pool.push;
        return Assembly.grinds(grindEngine(workspace, settings, pool.grindSettings()), llm, OpenAiChatModel::new,
                settings.get(CodeSettings.CHECK_VARIABLE), push, id -> store.find(id).map(TaskEntry::run));
    }

    /** The local grind engine, with prompt grinds when an LLM key is set. */
    static GrindEngine grindEngine(Path workspace, Settings settings, GrindSettings grindSettings) {
        return Assembly.grindEngine(workspace, grindSettings, llm(settings), OpenAiChatModel::new);
    }
}
