package io.vivarium.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of one commit: the tasks newly claimed, the finishes that were not recorded because their claim had
 * been lost (fencing), whether runnable tasks were left for lack of room, when the next backoff ends, and the
 * store's version right after this commit (so the committer's own write is not news to it).
 */
public record CommitResult(List<Lease> claimed, List<Lease> lost, boolean runnableLeft,
                           Optional<Instant> nextBackoffEnd, long version) {
}
