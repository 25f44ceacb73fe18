package io.vivarium.code.agent;

/**
 * A dollar cap over tokens at per-million prices: each turn may ask for what is left once its input is paid
 * for. The real meter (code-git's) adds the check's seconds; the rule for tokens is the same.
 */
final class DollarBudget implements AgentBudget {

    static final int MIN_USEFUL_TOKENS = 64;

    private final double inPerMillion;
    private final double outPerMillion;
    private final int maxAnswerTokens;
    private double remaining;

    DollarBudget(double cap, double inPerMillion, double outPerMillion, int maxAnswerTokens) {
        this.remaining = cap;
        this.inPerMillion = inPerMillion;
        this.outPerMillion = outPerMillion;
        this.maxAnswerTokens = maxAnswerTokens;
    }

    @Override
    public synchronized double remaining() {
        return remaining;
    }

    @Override
    public synchronized int maxTokensForTurn(int estimatedInputTokens) {
        double left = remaining - estimatedInputTokens * inPerMillion / 1e6;
        long tokens = (long) Math.floor(left / outPerMillion * 1e6);
        return tokens < MIN_USEFUL_TOKENS ? 0 : (int) Math.min(maxAnswerTokens, tokens);
    }

    @Override
    public synchronized double chargeTokens(long promptTokens, long completionTokens) {
        double cost = (promptTokens * inPerMillion + completionTokens * outPerMillion) / 1e6;
        remaining -= cost;
        return cost;
    }
}
