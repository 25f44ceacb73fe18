package io.vivarium.store.postgres;

import io.vivarium.store.Lease;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.store.WorkerIdentity;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** A child JVM that claims tasks from a PostgreSQL store and then holds them until it is killed. */
public final class ClaimHolder {

    public static final String CLAIMED = "claimed:";

    private ClaimHolder() {
    }

    public static void main(String[] args) throws InterruptedException {
        TaskStore store = TaskStores.open(StoreLocation.of(Path.of("."), args[0]), Clock.systemUTC(),
                StoreSettings.defaults());
        WorkerIdentity worker = WorkerIdentity.create();
        List<Lease> leases = store.commit(worker, List.of(), Integer.parseInt(args[1])).claimed();
        System.out.println(CLAIMED + worker.workerId() + ":" + leases.size());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
