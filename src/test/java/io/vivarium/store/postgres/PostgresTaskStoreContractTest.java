package io.vivarium.store.postgres;

import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStoreContract;
import io.vivarium.store.TaskStores;
import io.vivarium.support.PostgresDatabase;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract on a real PostgreSQL. Each test starts from emptied tables; another owner is a second store
 * instance whose crash closes its connections without a word, as a killed process's would be.
 */
class PostgresTaskStoreContractTest extends TaskStoreContract {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase();

    @TempDir
    Path workspace;

    @Override
    protected TaskStore createStore(Clock clock, StoreSettings settings) {
        TaskStore store = open(clock, settings);
        db.execute("TRUNCATE vivarium_task, vivarium_spend_day");
        db.execute("UPDATE vivarium_state SET spend_limit = NULL, spent = 0, reserved = 0");
        return store;
    }

    @Override
    protected TaskStore openSecondInstance(Clock clock, StoreSettings settings) {
        return open(clock, settings);
    }

    @Override
    protected OtherOwner startOtherOwner(Clock clock, StoreSettings settings) {
        TaskStore instance = open(clock, settings);
        // Closing drops the instance's sessions, and with them its advisory lock, and releases no claim.
        return OtherOwner.inThisJvm(instance, instance::close);
    }

    private TaskStore open(Clock clock, StoreSettings settings) {
        return TaskStores.open(db.location(workspace), clock, settings);
    }
}
