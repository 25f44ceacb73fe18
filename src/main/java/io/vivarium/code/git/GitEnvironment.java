package io.vivarium.code.git;

import java.util.List;
import java.util.Map;

/**
 * Git's repository-locating and config-injecting variables. Vivarium may itself run from a git hook or under
 * {@code git rebase -x}, where git exports these: left in place they would make a worktree's reset, add and commit
 * act on the user's repository instead, so every git call and every code grind's command and check runs without them.
 */
public final class GitEnvironment {

    private static final List<String> LOCATING = List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE",
            "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE",
            "GIT_PREFIX", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT");

    private GitEnvironment() {
    }

    /** Removes from {@code env} what would point git at another repository or inject config. */
    public static void scrub(Map<String, String> env) {
        LOCATING.forEach(env::remove);
        env.keySet().removeIf(k -> k.startsWith("GIT_CONFIG_KEY_") || k.startsWith("GIT_CONFIG_VALUE_"));
    }
}
