package io.vivarium.code.agent;

/**
 * How an edit grind's loop ended.
 *
 * @param summary the model's {@code finish} summary (the task's {@code result}), or null
 * @param detail  why it ended otherwise, one line (an LLM error, "stopped: ...")
 * @param turns   model turns taken
 */
public record AgentOutcome(Ending ending, String summary, String detail, int turns, long tokensIn, long tokensOut,
                           double tokenCost) {

    public enum Ending { FINISHED, MAX_TURNS, BUDGET_EXHAUSTED, STOPPED, LLM_ERROR }
}
