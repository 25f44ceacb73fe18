package io.vivarium.store.postgres;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.spend.SpendLedger;
import io.vivarium.spend.SpendLimit;
import io.vivarium.store.CommitResult;
import io.vivarium.store.Finish;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.support.PostgresDatabase;
import io.vivarium.task.GrindResult;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spend ceiling with every committed state audited, not sampled: a trigger copies the state row at each of its
 * updates into a table, in the writing transaction, so the table holds exactly the states that were committed.
 * Six pools on three store instances claim and settle 60 tasks at once under $1.00.
 */
class PostgresSpendAuditTest {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase();

    @TempDir
    Path workspace;

    @Test
    void noCommittedStateOfManyConcurrentCommittersPassesTheLimit() throws Exception {
        List<TaskStore> stores = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            stores.add(TaskStores.open(db.location(workspace), Clock.systemUTC(), StoreSettings.defaults()));
        }
        db.execute("CREATE TABLE spend_audit (version bigint, spent bigint, reserved bigint, spend_limit bigint)");
        db.execute("""
                CREATE FUNCTION audit_spend() RETURNS trigger AS $$
                BEGIN
                  INSERT INTO spend_audit VALUES (NEW.version, NEW.spent, NEW.reserved, NEW.spend_limit);
                  RETURN NEW;
                END $$ LANGUAGE plpgsql SECURITY DEFINER""");
        db.execute("CREATE TRIGGER audit_spend AFTER UPDATE ON vivarium_state FOR EACH ROW EXECUTE FUNCTION audit_spend()");
        stores.get(0).add(IntStream.range(0, 60).mapToObj(i -> aTask("t" + i).minBudget(0.01).maxBudget(0.10).build())
                .toList());
        stores.get(0).limitSpend(Optional.of(SpendLimit.parse("limit", "1.00")));

        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> pools = new ArrayList<>();
            for (int p = 0; p < 6; p++) {
                TaskStore store = stores.get(p % stores.size());
                int seed = p;
                pools.add(threads.submit(() -> {
                    go.await();
                    WorkerIdentity worker = WorkerIdentity.create();
                    List<Finish> done = List.of();
                    for (int round = 0; ; round++) {
                        CommitResult result = store.commit(worker, done, 1 + (round + seed) % 2);
                        if (result.claimed().isEmpty() && done.isEmpty()) {
                            // Nothing fits now; a reservation settled elsewhere may make room.
                            if (store.summary().inProgress() == 0) {
                                return null;
                            }
                            Thread.sleep(1);
                        }
                        double charge = 0.01 + (round + seed) % 3 * 0.01;
                        done = result.claimed().stream()
                                .map(lease -> Finish.done(lease, GrindResult.success(charge, "ok", 0, null))).toList();
                    }
                }));
            }
            go.countDown();
            for (Future<?> pool : pools) {
                pool.get(2, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }

        long states = 0;
        long highest = 0;
        try (Connection c = db.superuser(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT spent, reserved, spend_limit FROM spend_audit WHERE spend_limit IS NOT NULL")) {
            while (rs.next()) {
                long committed = rs.getLong("spent") + rs.getLong("reserved");
                assertThat(committed).isLessThanOrEqualTo(rs.getLong("spend_limit"));
                highest = Math.max(highest, committed);
                states++;
            }
        }
        SpendLedger end = stores.get(1).spend(Optional.empty()).ledger();
        System.out.printf("spend audit (PostgreSQL): %d committed states, highest spent + reserved $%.6f of $1.00%n",
                states, highest / 1e6);
        assertThat(states).isGreaterThan(40);
        assertThat(end.reservedMicros()).isZero();
        assertThat(end.spentMicros()).isLessThanOrEqualTo(1_000_000).isGreaterThan(900_000);
        stores.forEach(TaskStore::close);
    }
}
