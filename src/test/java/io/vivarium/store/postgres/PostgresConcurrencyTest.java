package io.vivarium.store.postgres;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.CommitResult;
import io.vivarium.store.Finish;
import io.vivarium.store.Lease;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.support.PostgresDatabase;
import io.vivarium.task.GrindResult;
import io.vivarium.task.IllegalTransitionException;
import io.vivarium.task.Task;
import io.vivarium.task.TaskStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Claims and fenced finishes from several store instances and threads at once, as pools on many machines do. */
class PostgresConcurrencyTest {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase();

    private static final GrindResult OK = GrindResult.success(0.01, "done", 0, "");

    @TempDir
    Path workspace;

    private final List<TaskStore> stores = new ArrayList<>();
    private final ExecutorService threads = Executors.newFixedThreadPool(8);

    @BeforeEach
    void openStores() {
        for (int i = 0; i < 4; i++) {
            stores.add(TaskStores.open(db.location(workspace), Clock.systemUTC(), StoreSettings.defaults()));
        }
        db.execute("TRUNCATE vivarium_task");
    }

    @AfterEach
    void close() {
        threads.shutdownNow();
        stores.forEach(TaskStore::close);
    }

    @Test
    void eightPoolsOnFourInstancesClaimEveryTaskExactlyOnce() throws Exception {
        int tasks = 1500;
        stores.get(0).add(IntStream.range(0, tasks).mapToObj(i -> aTask("t" + i).build()).toList());
        Map<String, Integer> claims = new ConcurrentHashMap<>();
        List<Lease> lost = Collections.synchronizedList(new ArrayList<>());

        List<Future<?>> pools = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
            TaskStore store = stores.get(p % stores.size());
            pools.add(threads.submit(() -> {
                WorkerIdentity worker = WorkerIdentity.create();
                List<Finish> done = List.of();
                while (true) {
                    CommitResult result = store.commit(worker, done, 8);
                    lost.addAll(result.lost());
                    result.claimed().forEach(lease -> claims.merge(lease.taskId(), 1, Integer::sum));
                    if (result.claimed().isEmpty() && !result.runnableLeft()) {
                        return null;
                    }
                    done = result.claimed().stream().map(lease -> Finish.done(lease, OK)).toList();
                }
            }));
        }
        for (Future<?> pool : pools) {
            pool.get(2, TimeUnit.MINUTES);
        }

        assertThat(lost).isEmpty();
        assertThat(claims).hasSize(tasks);
        assertThat(claims.values()).containsOnly(1);
        assertThat(stores.get(1).summary().completed()).isEqualTo(tasks);
        assertThat(stores.get(2).claims()).isEmpty();
    }

    @Test
    void finishesRacingCancelsEachEndExactlyOneWay() throws Exception {
        int tasks = 400;
        TaskStore owner = stores.get(0);
        owner.add(IntStream.range(0, tasks).mapToObj(i -> aTask("t" + i).build()).toList());
        WorkerIdentity worker = WorkerIdentity.create();
        List<Lease> leases = owner.commit(worker, List.of(), tasks).claimed();
        assertThat(leases).hasSize(tasks);
        List<String> toCancel = new ArrayList<>(leases.stream().map(Lease::taskId).filter(id -> id.hashCode() % 2 == 0).toList());
        Collections.shuffle(toCancel);

        Future<List<Lease>> finishing = threads.submit(() -> {
            List<Lease> lostHere = new ArrayList<>();
            for (int i = 0; i < leases.size(); i += 10) {
                List<Finish> batch = leases.subList(i, Math.min(i + 10, leases.size())).stream()
                        .map(lease -> Finish.done(lease, OK)).toList();
                lostHere.addAll(owner.commit(worker, batch, 0).lost());
            }
            return lostHere;
        });
        Set<String> cancelled = ConcurrentHashMap.newKeySet();
        Set<String> tooLate = ConcurrentHashMap.newKeySet();
        List<Future<?>> cancelling = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            TaskStore canceller = stores.get(1 + c);
            List<String> share = toCancel.subList(c * toCancel.size() / 3, (c + 1) * toCancel.size() / 3);
            cancelling.add(threads.submit(() -> {
                for (String id : share) {
                    try {
                        canceller.cancel(id);
                        cancelled.add(id);
                    } catch (IllegalTransitionException completedFirst) {
                        tooLate.add(id);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : cancelling) {
            f.get(1, TimeUnit.MINUTES);
        }
        Set<String> lost = Set.copyOf(finishing.get(1, TimeUnit.MINUTES).stream().map(Lease::taskId).toList());

        assertThat(lost).isEqualTo(cancelled);
        for (Task task : owner.snapshot().tasks()) {
            TaskStatus status = owner.find(task.id()).orElseThrow().status();
            assertThat(status).as(task.id())
                    .isEqualTo(cancelled.contains(task.id()) ? TaskStatus.CANCELLED : TaskStatus.COMPLETED);
        }
        assertThat(cancelled.size() + tooLate.size()).isEqualTo(toCancel.size());
        assertThat(owner.claims()).isEmpty();
    }
}
