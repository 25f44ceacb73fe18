package io.vivarium.app;

import io.vivarium.code.CodeGrinds;
import io.vivarium.code.CodeSettings;
import io.vivarium.code.agent.EditAgent;
import io.vivarium.grind.GrindRunner;
import io.vivarium.task.TaskRun;
import io.vivarium.grind.GrindEngine;
import io.vivarium.grind.GrindSettings;
import io.vivarium.llm.ChatModel;
import io.vivarium.llm.LlmSettings;
import io.vivarium.llm.PromptGrinds;
import io.vivarium.spend.SpendLimit;
import io.vivarium.store.StoreSettings;
import io.vivarium.task.RetryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The composition root the CLI and the server share: how the core is built from the settings each of them reads
 * (flags and environment for one, {@code vivarium.*} properties for the other), written once. The defaults
 * themselves live with what they configure ({@link StoreSettings#DEFAULT_LEASE_SECONDS},
 * {@link RetryPolicy#DEFAULT_BASE_SECONDS}, {@link GrindSettings#DEFAULT_RATE}, ...), so that picocli's and Spring's
 * annotations can name them.
 */
public final class Assembly {

    private Assembly() {
    }

    /** A store's claim lease, its retry backoff from {@code backoff} (see {@link RetryPolicy#startingAt}), and this process's spend ceiling. */
    public static StoreSettings storeSettings(Duration lease, Duration backoff, Optional<SpendLimit> spendLimit) {
        return StoreSettings.withLease(lease, RetryPolicy.startingAt(backoff)).withSpendLimit(spendLimit);
    }

    /**
     * The local grind engine: command grinds always, prompt grinds through {@code models} when an LLM key is set
     * (without one they fail saying so).
     */
    public static GrindEngine grindEngine(Path workspace, GrindSettings settings, LlmSettings llm,
                                          Function<LlmSettings, ChatModel> models) {
        return new GrindEngine(workspace, settings, llm.hasKey() ? new PromptGrinds(models.apply(llm), llm) : null);
    }

    /**
     * Every grind a worker runs: the engine's, and for tasks with {@code worktree: true} code grinds in a git
     * worktree (the edit agent through {@code models} when an LLM key is set); {@code runs} reads the store's run
     * entries (a dependency's commit, the last attempt's check and feedback). {@code check} and {@code push} may be
     * blank: none.
     */
    public static GrindRunner grinds(GrindEngine engine, LlmSettings llm, Function<LlmSettings, ChatModel> models,
                                     String check, String push, Function<String, Optional<TaskRun>> runs) {
        return new CodeGrinds(engine, CodeSettings.of(check, push, llm,
                llm.hasKey() ? new EditAgent(models.apply(llm)) : null), runs);
    }
}
