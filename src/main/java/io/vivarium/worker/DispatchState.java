package io.vivarium.worker;

import io.vivarium.store.CommitResult;
import io.vivarium.store.Finish;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the dispatcher knows between two commits: the finishes it has gathered, the tasks it holds, and what the last
 * commit said about the store. Only the dispatcher thread touches it.
 */
final class DispatchState {

    /** Finishes gathered for the next commit. */
    final List<Finish> batch = new ArrayList<>();
    private final WorkerSettings settings;
    /** Tasks claimed and not yet finished in a commit: queued, running, or finished in {@link #batch}. */
    private int inFlight;
    private int claimedTotal;
    private long seenVersion;
    private boolean committedOnce;
    private Optional<Instant> backoffEnd = Optional.empty();
    /** Tasks the last commit could have run but had no room for: free room is then reason enough to commit. */
    private boolean runnableLeft;

    DispatchState(WorkerSettings settings) {
        this.settings = settings;
    }

    /** Tasks held once the batch is committed. */
    int heldAfterBatch() {
        return inFlight - batch.size();
    }

    /** How many tasks to claim: enough to fill the workers and the prefetch, none when stopping, within the limit. */
    int wanted(boolean stopping, int prefetch) {
        int want = stopping ? 0 : Math.max(0, settings.workers() + prefetch - heldAfterBatch());
        return settings.maxTasks() > 0 ? Math.min(want, settings.maxTasks() - claimedTotal) : want;
    }

    /** Whether a commit could claim something it could not before: the first, a backoff ended, room, or news. */
    boolean hasNews(Instant now, long latestVersion) {
        boolean backoffDue = backoffEnd.map(end -> !end.isAfter(now)).orElse(false);
        return !committedOnce || backoffDue || runnableLeft || latestVersion != seenVersion;
    }

    /** Takes in what a commit of {@link #batch} did, and empties the batch. */
    void committed(CommitResult result) {
        inFlight = heldAfterBatch() + result.claimed().size();
        claimedTotal += result.claimed().size();
        batch.clear();
        committedOnce = true;
        seenVersion = result.version();
        runnableLeft = result.runnableLeft();
        backoffEnd = result.nextBackoffEnd();
    }

    boolean holdsNothing() {
        return inFlight == 0;
    }

    boolean limitReached() {
        return settings.maxTasks() > 0 && claimedTotal >= settings.maxTasks();
    }

    /** Asleep until the watcher, a finishing grind or a backoff's end wakes the dispatcher; rechecked now and then. */
    Duration idleWait(Instant now) {
        Duration wait = settings.idleRecheck();
        if (backoffEnd.isPresent()) {
            Duration untilBackoff = Duration.between(now, backoffEnd.get());
            if (untilBackoff.compareTo(wait) < 0) {
                wait = untilBackoff.isNegative() ? Duration.ZERO : untilBackoff;
            }
        }
        return wait;
    }
}
