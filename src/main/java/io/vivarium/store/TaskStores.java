package io.vivarium.store;

import io.vivarium.store.file.FileTaskStore;
import io.vivarium.store.postgres.PostgresTaskStore;
import java.time.Clock;

/** Opens the store a {@link StoreLocation} names: the one place every CLI verb and the server get a store from. */
public final class TaskStores {

    private TaskStores() {
    }

    public static TaskStore open(StoreLocation location, Clock clock, StoreSettings settings) {
        return location.isDatabase()
                ? PostgresTaskStore.open(location, clock, settings)
                : new FileTaskStore(location.workspace(), clock, settings);
    }
}
