package io.vivarium.store.postgres;

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
import io.vivarium.store.TaskStoreContract.OtherOwner;
import io.vivarium.store.TaskStores;
import io.vivarium.support.PostgresDatabase;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract, every part, on a real PostgreSQL. Each test starts from emptied tables; another owner is a
 * second store instance whose crash closes its connections without a word, as a killed process's would be.
 */
class PostgresTaskStoreContractTest {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase();

    @TempDir
    Path workspace;

    private TaskStore emptiedStore(Clock clock, StoreSettings settings) {
        TaskStore store = instance(clock, settings);
        db.execute("TRUNCATE vivarium_task, vivarium_spend_day, vivarium_queue, vivarium_queue_start");
        db.execute("UPDATE vivarium_state SET spend_limit = NULL, spent = 0, reserved = 0, paused = false,"
                + " flow_active = false");
        return store;
    }

    private OtherOwner ownerInThisJvm(Clock clock, StoreSettings settings) {
        TaskStore instance = instance(clock, settings);
        // Closing drops the instance's sessions, and with them its advisory lock, and releases no claim.
        return OtherOwner.inThisJvm(instance, instance::close);
    }

    private TaskStore instance(Clock clock, StoreSettings settings) {
        return TaskStores.open(db.location(workspace), clock, settings);
    }

    @Nested
    class Queue extends QueueContract {
        @Override
        protected TaskStore createStore(Clock clock, StoreSettings settings) {
            return emptiedStore(clock, settings);
        }

        @Override
        protected TaskStore openSecondInstance(Clock clock, StoreSettings settings) {
            return instance(clock, settings);
        }

        @Override
        protected OtherOwner startOtherOwner(Clock clock, StoreSettings settings) {
            return ownerInThisJvm(clock, settings);
        }
    }

    @Nested
    class Claims extends ClaimsContract {
        @Override
        protected TaskStore createStore(Clock clock, StoreSettings settings) {
            return emptiedStore(clock, settings);
        }

        @Override
        protected TaskStore openSecondInstance(Clock clock, StoreSettings settings) {
            return instance(clock, settings);
        }

        @Override
        protected OtherOwner startOtherOwner(Clock clock, StoreSettings settings) {
            return ownerInThisJvm(clock, settings);
        }
    }

    @Nested
    class Recovery extends RecoveryContract {
        @Override
        protected TaskStore createStore(Clock clock, StoreSettings settings) {
            return emptiedStore(clock, settings);
        }

        @Override
        protected TaskStore openSecondInstance(Clock clock, StoreSettings settings) {
            return instance(clock, settings);
        }

        @Override
        protected OtherOwner startOtherOwner(Clock clock, StoreSettings settings) {
            return ownerInThisJvm(clock, settings);
        }
    }

    @Nested
    class UserIntents extends UserIntentsContract {
        @Override
        protected TaskStore createStore(Clock clock, StoreSettings settings) {
            return emptiedStore(clock, settings);
        }

        @Override
        protected TaskStore openSecondInstance(Clock clock, StoreSettings settings) {
            return instance(clock, settings);
        }

        @Override
        protected OtherOwner startOtherOwner(Clock clock, StoreSettings settings) {
            return ownerInThisJvm(clock, settings);
        }
    }

    @Nested
    class Flow extends FlowContract {
        @Override
        protected TaskStore createStore(Clock clock, StoreSettings settings) {
            return emptiedStore(clock, settings);
        }

        @Override
        protected TaskStore openSecondInstance(Clock clock, StoreSettings settings) {
            return instance(clock, settings);
        }

        @Override
        protected OtherOwner startOtherOwner(Clock clock, StoreSettings settings) {
            return ownerInThisJvm(clock, settings);
        }
    }

    @Nested
    class Spend extends SpendContract {
        @Override
        protected TaskStore createStore(Clock clock, StoreSettings settings) {
            return emptiedStore(clock, settings);
        }

        @Override
        protected TaskStore openSecondInstance(Clock clock, StoreSettings settings) {
            return instance(clock, settings);
        }

        @Override
        protected OtherOwner startOtherOwner(Clock clock, StoreSettings settings) {
            return ownerInThisJvm(clock, settings);
        }
    }

    @Nested
    class Time extends TimeContract {
        @Override
        protected TaskStore createStore(Clock clock, StoreSettings settings) {
            return emptiedStore(clock, settings);
        }

        @Override
        protected TaskStore openSecondInstance(Clock clock, StoreSettings settings) {
            return instance(clock, settings);
        }

        @Override
        protected OtherOwner startOtherOwner(Clock clock, StoreSettings settings) {
            return ownerInThisJvm(clock, settings);
        }
    }

    @Nested
    class Queues extends QueuesContract {
        @Override
        protected TaskStore createStore(Clock clock, StoreSettings settings) {
            return emptiedStore(clock, settings);
        }

        @Override
        protected TaskStore openSecondInstance(Clock clock, StoreSettings settings) {
            return instance(clock, settings);
        }

        @Override
        protected OtherOwner startOtherOwner(Clock clock, StoreSettings settings) {
            return ownerInThisJvm(clock, settings);
        }
    }
}
