package io.vivarium.code.agent;

/**
 * The grind's one dollar cap, shared by the model's tokens and the check's seconds (the caller meters both).
 * Thread-safe; every amount in dollars.
 */
public interface AgentBudget {

    /** Dollars left under the cap. */
    double remaining();

    /**
     * The {@code max_tokens} the next turn may ask for once its input (estimated) is paid for, capped at the
     * model's answer limit; 0 when the budget cannot buy a useful turn.
     */
    int maxTokensForTurn(int estimatedInputTokens);

    /** Charges one turn's real usage at the configured prices; returns what it cost. */
    double chargeTokens(long promptTokens, long completionTokens);
}
