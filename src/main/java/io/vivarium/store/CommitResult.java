package io.vivarium.store;

import io.vivarium.task.Summary;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of one commit: the tasks newly claimed, the finishes that were not recorded because their claim had
 * been lost (fencing), and the queue's state afterwards.
 */
public record CommitResult(List<Lease> claimed, List<Lease> lost, Summary summary, Optional<Instant> nextBackoffEnd,
                           int runnableLeft, Object stateVersion) {
}
