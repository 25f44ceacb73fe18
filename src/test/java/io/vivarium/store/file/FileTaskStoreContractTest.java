package io.vivarium.store.file;

import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStoreContract;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a workspace directory; another owner of claims is a child JVM, so it can really die. */
class FileTaskStoreContractTest extends TaskStoreContract {

    @TempDir
    Path workspace;

    @Override
    protected TaskStore createStore(Clock clock, StoreSettings settings) {
        return new FileTaskStore(workspace, clock, settings);
    }

    @Override
    protected TaskStore openSecondInstance(Clock clock, StoreSettings settings) {
        return new FileTaskStore(workspace, clock, settings);
    }

    @Override
    protected OtherOwner startOtherOwner(Clock clock, StoreSettings settings) {
        return new OwnerProcess(workspace, clock, settings);
    }
}
