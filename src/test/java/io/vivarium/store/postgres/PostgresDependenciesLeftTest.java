package io.vivarium.store.postgres;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.CommitResult;
import io.vivarium.store.Finish;
import io.vivarium.store.Lease;
import io.vivarium.store.Snapshot;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.support.PostgresDatabase;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Scheduling;
import io.vivarium.task.StartRule;
import io.vivarium.task.Task;
import io.vivarium.task.TaskStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The count of unfinished dependencies that the claim reads ({@code deps_left}, V4) stays what a recount from the
 * statuses says, through every intent that makes a task completed or takes that away, and through adds that race
 * completions from another store instance; and claims made through intents, not a load, agree with the start rule.
 */
class PostgresDependenciesLeftTest {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase();

    private static final GrindResult OK = GrindResult.success(0, "done", 0, "");
    private static final GrindResult FAILED = GrindResult.finalFailure(0, "broke", 1, "");
    /** The rows whose count differs from a recount of their dependencies that have not completed. */
    private static final String DRIFT = """
            SELECT id || ' counts ' || deps_left || ', recount ' || recount FROM (
              SELECT id, deps_left, (SELECT count(*) FROM unnest(t.depends_on) AS dep(id)
                                      WHERE NOT EXISTS (SELECT 1 FROM vivarium_task d
                                                         WHERE d.id = dep.id AND d.status = 'completed')) AS recount
                FROM vivarium_task t) AS c
             WHERE deps_left <> recount""";

    @TempDir
    Path workspace;

    private final WorkerIdentity worker = WorkerIdentity.create();
    private TaskStore store;

    @BeforeEach
    void open() {
        store = TaskStores.open(db.location(workspace), Clock.systemUTC(), StoreSettings.defaults());
        db.execute("TRUNCATE vivarium_task");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aDependentWaitsUntilItsDependencyCompletesAndAgainWhenTheDependencyIsRetried() {
        store.add(List.of(aTask("a").build(), aTask("b").dependsOn(List.of("a")).build()));
        List<Lease> held = claim(8);
        assertThat(held).extracting(Lease::taskId).containsExactly("a");

        held = finishAndClaim(held, OK, 8);
        assertThat(held).extracting(Lease::taskId).containsExactly("b");
        finishAndClaim(held, OK, 0);

        store.retry(List.of("a", "b"));
        assertThat(drift()).isEmpty();
        held = claim(8);
        assertThat(held).extracting(Lease::taskId).containsExactly("a");
        assertThat(finishAndClaim(held, OK, 8)).extracting(Lease::taskId).containsExactly("b");
        assertThat(drift()).isEmpty();
    }

    /** A dependency and its dependent finished in one commit: the dependent's own row takes the move too. */
    @Test
    void aDependencyAndItsDependentFinishedTogetherCountRight() {
        store.add(List.of(aTask("a").build(), aTask("b").dependsOn(List.of("a")).build()));
        List<Lease> a = claim(8);
        List<Lease> b = finishAndClaim(a, OK, 8);
        // a runs again while b still runs on its first completion.
        store.retry(List.of("a"));
        List<Lease> both = new ArrayList<>(b);
        both.addAll(claim(8));
        assertThat(both).extracting(Lease::taskId).containsExactly("b", "a");

        finishAndClaim(both, OK, 0);

        assertThat(drift()).isEmpty();
        store.retry(List.of("b"));
        assertThat(claim(8)).extracting(Lease::taskId).containsExactly("b");
    }

    @Test
    void aTaskAddedAfterItsDependencyCompletedStartsAtOnce() {
        store.add(List.of(aTask("a").build()));
        finishAndClaim(claim(1), OK, 0);

        store.add(List.of(aTask("b").dependsOn(List.of("a")).build(), aTask("c").dependsOn(List.of("a", "b")).build()));

        assertThat(drift()).isEmpty();
        assertThat(claim(8)).extracting(Lease::taskId).containsExactly("b");
    }

    /**
     * A random walk of adds (chains and fans, dependencies old and new), finishes that complete or fail, retries,
     * cancels: after each step the counts match a recount, and each claim is what the start rule allows.
     */
    @Test
    void randomIntentsKeepEveryCountAndClaimWhatTheRuleAllows() {
        Random random = new Random(22);
        List<String> ids = new ArrayList<>();
        List<Lease> held = new ArrayList<>();
        for (int step = 0; step < 300; step++) {
            int action = random.nextInt(10);
            if (action < 3) {
                List<Task> batch = new ArrayList<>();
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    String id = "t" + ids.size();
                    List<String> deps = new ArrayList<>();
                    for (int d = random.nextInt(3); d > 0 && !ids.isEmpty(); d--) {
                        String dep = ids.get(random.nextInt(ids.size()));
                        if (!deps.contains(dep)) {
                            deps.add(dep);
                        }
                    }
                    batch.add(aTask(id).dependsOn(deps).build());
                    ids.add(id);
                }
                store.add(batch);
            } else if (action < 8) {
                List<Finish> finishes = new ArrayList<>();
                for (Lease lease : held) {
                    finishes.add(Finish.done(lease, random.nextInt(4) == 0 ? FAILED : OK));
                }
                store.commit(worker, finishes, 0);
                held = claimAsTheRuleSays(1 + random.nextInt(4), "step " + step);
            } else if (action == 8 && !ids.isEmpty()) {
                List<String> retried = new ArrayList<>();
                Snapshot now = store.snapshot();
                for (int i = 0; i < 3; i++) {
                    String id = ids.get(random.nextInt(ids.size()));
                    if (now.statusOf(id) != TaskStatus.IN_PROGRESS && !retried.contains(id)) {
                        retried.add(id);
                    }
                }
                store.retry(retried);
            } else if (!ids.isEmpty()) {
                String id = ids.get(random.nextInt(ids.size()));
                TaskStatus status = store.snapshot().statusOf(id);
                if (status == TaskStatus.PENDING) {
                    store.cancel(id);
                }
            }
            assertThat(drift()).as("step " + step).isEmpty();
        }
    }

    /** Another instance adds dependents of the very tasks this one is completing: no count may miss either side. */
    @Test
    void addsRacingCompletionsFromAnotherInstanceCountRight() throws Exception {
        List<Task> roots = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            roots.add(aTask("root" + i).build());
        }
        store.add(roots);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (TaskStore other = TaskStores.open(db.location(workspace), Clock.systemUTC(), StoreSettings.defaults())) {
            Future<?> adding = threads.submit(() -> {
                for (int i = 0; i < 60; i++) {
                    other.add(List.of(aTask("dependent" + i).dependsOn(List.of("root" + i)).build()));
                }
            });
            Future<?> completing = threads.submit(() -> {
                List<Lease> held = claim(1);
                while (!held.isEmpty()) {
                    held = finishAndClaim(held, OK, 1);
                }
            });
            adding.get(60, TimeUnit.SECONDS);
            completing.get(60, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        assertThat(drift()).isEmpty();
        List<Lease> rest = claim(100);
        finishAndClaim(rest, OK, 0);
        assertThat(store.summary().completed()).isEqualTo(120);
    }

    private List<Lease> claimAsTheRuleSays(int max, String why) {
        Snapshot before = store.snapshot();
        List<Task> expected = Scheduling.claimable(before.tasks(), before.runs()::get,
                StartRule.Context.at(Clock.systemUTC().instant()), max);
        List<Lease> claimed = claim(max);
        assertThat(claimed).as(why).extracting(Lease::taskId)
                .containsExactlyElementsOf(expected.stream().map(Task::id).toList());
        return claimed;
    }

    private List<Lease> claim(int max) {
        return store.commit(worker, List.of(), max).claimed();
    }

    private List<Lease> finishAndClaim(List<Lease> done, GrindResult result, int max) {
        CommitResult committed = store.commit(worker, done.stream().map(l -> Finish.done(l, result)).toList(), max);
        assertThat(committed.lost()).isEmpty();
        return committed.claimed();
    }

    private static List<String> drift() {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.superuser(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(DRIFT)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }
}
