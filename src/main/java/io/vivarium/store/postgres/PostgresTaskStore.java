package io.vivarium.store.postgres;

import io.vivarium.store.StoreException;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import java.time.Clock;

/** The PostgreSQL store: one queue shared by workers on many machines. */
public final class PostgresTaskStore {

    private PostgresTaskStore() {
    }

    public static TaskStore open(StoreLocation location, Clock clock, StoreSettings settings) {
        throw new StoreException("the PostgreSQL store is not built yet: " + location.describe());
    }
}
