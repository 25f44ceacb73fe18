package io.vivarium.code.agent;

import java.util.List;

/**
 * What an edit grind is asked to do.
 *
 * @param files            paths (relative to the worktree) whose contents go in the first message, bounded
 * @param repositoryMap    the planner's scan of the worktree (paths, definitions, which have tests), as text
 * @param previousCheck    the output tail of the previous attempt's failing check, or null
 * @param feedback         a reviewer's feedback from {@code reject --retry --feedback}, or null
 */
public record EditTask(String taskId, String description, String prompt, List<String> files, int maxTurns,
                       String repositoryMap, String previousCheck, String feedback) {

    public static final int DEFAULT_MAX_TURNS = 12;

    public EditTask {
        files = files == null ? List.of() : List.copyOf(files);
        if (maxTurns < 1) {
            throw new IllegalArgumentException("max_turns must be at least 1");
        }
    }
}
