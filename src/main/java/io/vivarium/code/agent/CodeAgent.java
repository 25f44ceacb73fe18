package io.vivarium.code.agent;

import io.vivarium.grind.GrindControl;
import java.nio.file.Path;

/**
 * Vivarium's own coding agent: an edit grind's loop of model turns and tool calls inside one git worktree.
 * The caller owns the worktree (creates it, commits what changed, removes it); the agent only reads and writes
 * files inside it, runs the check through {@link CheckRunner}, and spends through {@link AgentBudget}.
 */
public interface CodeAgent {

    /**
     * Runs the loop to its end: {@code finish}, {@code max_turns}, a budget that cannot buy another turn, or
     * {@code control} stopped. Never throws for anything the model does; an unusable endpoint ends the loop with
     * {@link AgentOutcome.Ending#LLM_ERROR}.
     */
    AgentOutcome run(Path worktree, EditTask task, AgentBudget budget, CheckRunner check, GrindControl control);
}
