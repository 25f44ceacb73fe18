package io.vivarium.code;

import io.vivarium.code.agent.CodeAgent;
import io.vivarium.code.agent.RepositoryMap;
import io.vivarium.llm.LlmSettings;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * What code grinds are run with: the check when a task names none ({@code VIVARIUM_CHECK}), the remote result
 * branches are pushed to ({@code --push} / {@code VIVARIUM_PUSH}, null: none), the model's prices, the edit agent
 * (null: edit grinds fail saying no LLM is configured), and how the agent's repository map is made.
 */
public record CodeSettings(String defaultCheck, String pushRemote, LlmSettings prices, CodeAgent agent,
                           Function<Path, String> repositoryMap) {

    public static final String CHECK_VARIABLE = "VIVARIUM_CHECK";
    public static final String PUSH_VARIABLE = "VIVARIUM_PUSH";

    public CodeSettings {
        defaultCheck = blankToNull(defaultCheck);
        pushRemote = blankToNull(pushRemote);
        repositoryMap = repositoryMap == null ? RepositoryMap::of : repositoryMap;
    }

    public static CodeSettings of(String defaultCheck, String pushRemote, LlmSettings prices, CodeAgent agent) {
        return new CodeSettings(defaultCheck, pushRemote, prices, agent, null);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
