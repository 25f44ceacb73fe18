package io.vivarium.worker;

import io.vivarium.store.StaleClaim;
import io.vivarium.store.TaskStore;
import io.vivarium.store.Takeover;
import java.util.List;

/**
 * Takes over the claims of dead or hung workers anywhere in the store, so their tasks run again. The old grind is
 * ended first, where it runs on this host, so that two runs of one task never overlap; the store then ends each
 * claim only if it is still the one that was found.
 */
public final class StaleClaimReaper {

    private final TaskStore store;

    public StaleClaimReaper(TaskStore store) {
        this.store = store;
    }

    public List<Takeover> reap() {
        List<StaleClaim> stale = store.findStaleClaims();
        if (stale.isEmpty()) {
            return List.of();
        }
        stale.forEach(claim -> LocalGrinds.end(claim.claim()));
        return store.abandon(stale);
    }
}
