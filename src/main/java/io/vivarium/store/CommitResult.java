package io.vivarium.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of one commit: the tasks newly claimed, the finishes that were not recorded because their claim had
 * been lost (fencing), whether runnable tasks were left for lack of room, when the next backoff ends, the store's
 * version right after this commit (so the committer's own write is not news to it), and whether runnable tasks were
 * left because they did not fit under the spend ceiling (those are not "runnable left": room in the pool does not
 * help them, only a settled reservation or a higher limit does, and either is a change of the store).
 */
public record CommitResult(List<Lease> claimed, List<Lease> lost, boolean runnableLeft,
                           Optional<Instant> nextBackoffEnd, long version, boolean waitingForBudget,
                           boolean retriesWaiting) {

    /**
     * {@code retriesWaiting}: some pending task waits out a failed attempt's backoff, or is due but held by a queue's
     * rate or a pause. A batch run waits for those; it
     * does not wait for tasks whose time (run_at, a next occurrence) has not come, which {@code nextBackoffEnd} also
     * covers. Without word from the store, any wait is taken for a retry.
     */
    public CommitResult(List<Lease> claimed, List<Lease> lost, boolean runnableLeft, Optional<Instant> nextBackoffEnd,
                        long version, boolean waitingForBudget) {
        this(claimed, lost, runnableLeft, nextBackoffEnd, version, waitingForBudget, nextBackoffEnd.isPresent());
    }

    public CommitResult(List<Lease> claimed, List<Lease> lost, boolean runnableLeft, Optional<Instant> nextBackoffEnd,
                        long version) {
        this(claimed, lost, runnableLeft, nextBackoffEnd, version, false);
    }
}
