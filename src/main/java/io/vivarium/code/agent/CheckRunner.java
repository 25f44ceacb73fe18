package io.vivarium.code.agent;

/** Runs the task's check in the worktree, metered and charged to the grind's budget by the implementation. */
public interface CheckRunner {

    /** @return the outcome, or {@link CheckOutcome#none()}'s form when the task has no check */
    CheckOutcome run();
}
