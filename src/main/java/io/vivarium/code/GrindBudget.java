package io.vivarium.code;

import io.vivarium.code.agent.AgentBudget;
import io.vivarium.llm.LlmSettings;
import io.vivarium.task.Money;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A code grind's one cap, in whole micro-dollars: the model's tokens at the configured prices, and the seconds of
 * its command and checks at the command rate. Nothing is bought that the cap cannot pay for: a turn's
 * {@code max_tokens} and a process's time limit are what is left.
 */
final class GrindBudget implements AgentBudget {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(GrindBudget.class);

    private final long capMicros;
    private final double dollarsPerSecond;
    private final LlmSettings prices;
    private final AtomicLong spentMicros = new AtomicLong();

    /** @param prices the model's prices; null when the grind uses no model */
    GrindBudget(double cap, double dollarsPerSecond, LlmSettings prices) {
        this.capMicros = Money.micros(cap);
        this.dollarsPerSecond = dollarsPerSecond;
        this.prices = prices;
    }

    @Override
    public double remaining() {
        return Money.dollars(Math.max(0, capMicros - spentMicros.get()));
    }

    @Override
    public int maxTokensForTurn(int estimatedInputTokens) {
        if (prices == null) {
            return 0;
        }
        double left = remaining() - estimatedInputTokens * prices.inputDollarsPerMillion() / 1e6;
        long tokens = (long) Math.floor(left / (prices.outputDollarsPerMillion() / 1e6));
        int capped = (int) Math.min(prices.maxAnswerTokens(), Math.max(0, tokens));
        // A handful of tokens cannot carry a tool call: not a useful turn.
        return capped < 16 ? 0 : capped;
    }

    @Override
    public double chargeTokens(long promptTokens, long completionTokens) {
        double cost = prices == null ? 0 : promptTokens * prices.inputDollarsPerMillion() / 1e6
                + completionTokens * prices.outputDollarsPerMillion() / 1e6;
        charge(cost);
        return cost;
    }

    /** How long a process may run on what is left. */
    Duration timeLeft() {
        return Duration.ofNanos((long) Math.min(Long.MAX_VALUE / 2.0, remaining() / dollarsPerSecond * 1e9));
    }

    void chargeSeconds(double seconds) {
        charge(seconds * dollarsPerSecond);
    }

    boolean exhausted() {
        return spentMicros.get() >= capMicros;
    }

    /** What the ledger records: the real spend, which the contract caps at {@code max_budget}. */
    double spent() {
        return Money.dollars(Math.min(capMicros, spentMicros.get()));
    }

    private void charge(double dollars) {
        long micros = Math.max(0, Math.round(dollars * 1e6));
        long before = spentMicros.getAndAdd(micros);
        if (before <= capMicros && before + micros > capMicros && before + micros - capMicros > 1) {
            // The turn's estimate was too low (the endpoint counted more tokens than it): said, not hidden.
            log.warn("a code grind spent ${} against its ${} cap; the ledger records the cap",
                    Money.dollars(before + micros), Money.dollars(capMicros));
        }
    }
}
