package io.vivarium.store;

import io.vivarium.store.file.FileTaskStore;
import io.vivarium.store.postgres.PostgresTaskStore;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Opens the store a {@link StoreLocation} names: the one place every CLI verb and the server get a store from.
 * Stores named by a URL are registered by its scheme; without a URL the queue lives in the workspace's files.
 */
public final class TaskStores {

    /** How one kind of store is opened. */
    @FunctionalInterface
    interface Opener {
        TaskStore open(StoreLocation location, Clock clock, StoreSettings settings);
    }

    private static final Opener FILES = (location, clock, settings) ->
            new FileTaskStore(location.workspace(), clock, settings);

    private static final Map<String, Opener> BY_SCHEME = Map.of(
            "postgresql", PostgresTaskStore::open,
            "postgres", PostgresTaskStore::open);

    private TaskStores() {
    }

    public static TaskStore open(StoreLocation location, Clock clock, StoreSettings settings) {
        return opener(location.scheme()).orElseThrow(() -> new StoreException("no store is registered for "
                + location.describe())).open(location, clock, settings);
    }

    /** The URL schemes a store is registered for (lower case). */
    public static Set<String> schemes() {
        return BY_SCHEME.keySet();
    }

    private static Optional<Opener> opener(Optional<String> scheme) {
        return scheme.isEmpty() ? Optional.of(FILES) : Optional.ofNullable(BY_SCHEME.get(scheme.get()));
    }
}
