package io.vivarium.store.file;

import io.vivarium.store.ClaimsContract;
import io.vivarium.store.QueueContract;
import io.vivarium.store.TimeContract;
import io.vivarium.store.RecoveryContract;
import io.vivarium.store.SpendContract;
import io.vivarium.store.FlowContract;
import io.vivarium.store.QueuesContract;
import io.vivarium.store.UserIntentsContract;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The store contract, every part, on a workspace directory; another owner of claims is a child JVM, so it can really die. */
class FileTaskStoreContractTest {

    @TempDir
    Path workspace;

    @Nested
    class Queue extends QueueContract {
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

    @Nested
    class Claims extends ClaimsContract {
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

    @Nested
    class Recovery extends RecoveryContract {
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

    @Nested
    class UserIntents extends UserIntentsContract {
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

    @Nested
    class Flow extends FlowContract {
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

    @Nested
    class Queues extends QueuesContract {
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

    @Nested
    class Spend extends SpendContract {
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

    @Nested
    class Time extends TimeContract {
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
}
