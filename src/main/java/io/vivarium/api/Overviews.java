package io.vivarium.api;

import io.vivarium.story.ClaimView;

import io.vivarium.store.Claim;
import io.vivarium.store.Snapshot;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Reads the store and builds the {@link Overview}: for {@code GET /overview} and for the live stream. */
@Component
class Overviews {

    private final TaskStore store;
    private final Clock clock;
    private final StoreSettings settings;
    private final Optional<Overview.LocalPool> local;

    Overviews(TaskStore store, Clock clock, StoreSettings settings, EmbeddedWorkers workers,
              VivariumProperties properties) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.local = workers.pool().map(pool -> new Overview.LocalPool(pool.identity(), properties.workers()));
    }

    Overview current() {
        Snapshot snapshot = store.snapshot();
        return Overview.of(snapshot, store.claims(), clock.instant(), settings.lease(), local,
                store.spend(settings.spendLimit()), store.flow());
    }

    List<ClaimView> claims() {
        Instant now = clock.instant();
        return store.claims().stream()
                .sorted(Comparator.comparing(Claim::taskId))
                .map(claim -> ClaimView.of(claim, now, settings.lease()))
                .toList();
    }
}
