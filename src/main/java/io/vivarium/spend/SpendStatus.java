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

    public SpendView view() {
        return SpendView.of(this);
    }
}
