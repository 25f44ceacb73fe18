package io.vivarium.spend;

import java.util.Optional;

/**
 * A store's ledger as one process sees it: with its own limit beside the store's, and how many tasks could run now
 * but for the budget ("wait for budget").
 */
public record SpendStatus(SpendLedger ledger, Optional<SpendLimit> processLimit, long waitingForBudget) {

    /** The ceiling this process claims under, if any. */
    public Optional<SpendLimit> ceiling() {
        return ledger.ceiling(processLimit);
    }

    /** True when some task waits for budget and nothing is running that could free any: only a higher limit helps. */
    public boolean stalled() {
        return waitingForBudget > 0 && ledger.reservedMicros() == 0;
    }

    public SpendView view() {
        return SpendView.of(this);
    }
}
