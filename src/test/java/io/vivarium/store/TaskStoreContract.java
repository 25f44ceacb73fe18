package io.vivarium.store;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.vivarium.spend.SpendLedger;
import io.vivarium.spend.SpendLimit;
import io.vivarium.spend.SpendStatus;
import io.vivarium.support.MutableClock;
import io.vivarium.task.GrindResult;
import io.vivarium.task.IllegalTransitionException;
import io.vivarium.task.InvalidTaskException;
import io.vivarium.task.Money;
import io.vivarium.task.Priority;
import io.vivarium.task.RetryPolicy;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import io.vivarium.task.TaskKeys;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TaskStore} promises, written once and run against each store: a store's test class extends
 * this and says how to open its store on fresh data, how to open a second instance on the same data, and how to
 * start another owner of claims that can die. Everything else goes through the {@code TaskStore} interface only.
 *
 * <p>Time is a {@link MutableClock} the tests move by hand: leases, heartbeats and backoff are tested without
 * sleeping, so a store must take "now" from the clock it is given, not from its database. The only real waits are
 * the bounded ones of {@link TaskStore#awaitChange}.
 *
 * <p>A store joins by extending this class with a name ending in {@code Test}; for a database store, roughly:
 * <pre>{@code
 * class PostgresTaskStoreContractTest extends TaskStoreContract {
 *     protected TaskStore createStore(Clock clock, StoreSettings settings) { emptyTheTables(); return open(clock, settings); }
 *     protected TaskStore openSecondInstance(Clock clock, StoreSettings settings) { return open(clock, settings); }
 *     protected OtherOwner startOtherOwner(Clock clock, StoreSettings settings) {
 *         TaskStore other = open(clock, settings);
 *         return OtherOwner.inThisJvm(other, () -> endTheSessionsOf(other)); // e.g. pg_terminate_backend
 *     }
 * }
 * }</pre>
 */
public abstract class TaskStoreContract {

    protected static final Instant START = Instant.parse("2026-01-15T10:30:00Z");
    protected static final Duration LEASE = Duration.ofSeconds(10);
    protected static final RetryPolicy BACKOFF = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(8));

    protected static final GrindResult OK = GrindResult.success(0.05, "done", 0, "all good");
    protected static final GrindResult BROKEN = GrindResult.failure(0.03, "exit code 1", 1, "boom");
    protected static final GrindResult HOPELESS = GrindResult.finalFailure(0.02, "budget exhausted", null, null);

    protected final MutableClock clock = new MutableClock(START);
    protected final StoreSettings settings = StoreSettings.withLease(LEASE, BACKOFF);
    protected final WorkerIdentity worker = WorkerIdentity.create();
    protected TaskStore store;
    private final List<AutoCloseable> opened = new ArrayList<>();

    // --- what each store provides ---

    /**
     * A store on new, empty data of its own (a fresh workspace directory, a fresh schema or emptied tables), with
     * this clock and these settings. Called once before each test; the contract closes it after the test.
     */
    protected abstract TaskStore createStore(Clock clock, StoreSettings settings);

    /**
     * Another instance on the same data as {@link #createStore}'s, opened the way a second process or machine
     * would open it: its own caches, connections and listeners. The contract closes it after the test.
     */
    protected abstract TaskStore openSecondInstance(Clock clock, StoreSettings settings);

    /**
     * A worker somewhere else that claims from the same data through an instance of its own, and that can die
     * without releasing anything ({@link OtherOwner#crash()}). Its claims must look to {@link #store} like any
     * other live owner's until it dies. A file store runs it in a child JVM and kills that with {@code -9}; a
     * database store can use {@link OtherOwner#inThisJvm} over {@link #openSecondInstance} and end that
     * instance's database sessions in {@code crash} (no release, no rollback by the store itself). The contract
     * closes it after the test.
     */
    protected abstract OtherOwner startOtherOwner(Clock clock, StoreSettings settings);

    /**
     * A worker pool elsewhere, as {@link #startOtherOwner} gives it: it commits and renews under its own
     * {@link WorkerIdentity}, through a store instance of its own, and reads the shared clock at each call.
     */
    public interface OtherOwner extends AutoCloseable {

        WorkerIdentity worker();

        /** {@link TaskStore#commit} as this worker: records the finishes, claims up to {@code maxClaims}. */
        CommitResult commit(List<Finish> finished, int maxClaims);

        /** {@link TaskStore#renew} as this worker: the leases it lost. */
        List<Lease> renew(List<Lease> leases);

        /** {@link TaskStore#recordGrind} as this worker. */
        boolean recordGrind(Lease lease, long pid, Instant startedAt);

        /** Dies on the spot, as under {@code kill -9} or a dropped database session: nothing is released. */
        void crash();

        /** Ends it quietly after the test, whatever state it is in. */
        @Override
        void close();

        /**
         * An owner that is a second store instance in this JVM, for stores whose instances share nothing in
         * memory (a database store: each instance has its own sessions). {@code crash} must make the instance's
         * claims look orphaned to the others, without the instance releasing them. Both instances run in one
         * process on one host, so a store must tell its own claims from another instance's by something of the
         * instance (its session), not by the process id or host name.
         */
        static OtherOwner inThisJvm(TaskStore instance, Runnable crash) {
            WorkerIdentity identity = WorkerIdentity.create();
            return new OtherOwner() {
                @Override
                public WorkerIdentity worker() {
                    return identity;
                }

                @Override
                public CommitResult commit(List<Finish> finished, int maxClaims) {
                    return instance.commit(identity, finished, maxClaims);
                }

                @Override
                public List<Lease> renew(List<Lease> leases) {
                    return instance.renew(leases);
                }

                @Override
                public boolean recordGrind(Lease lease, long pid, Instant startedAt) {
                    return instance.recordGrind(lease, pid, startedAt);
                }

                @Override
                public void crash() {
                    crash.run();
                }

                @Override
                public void close() {
                    instance.close();
                }
            };
        }
    }

    @BeforeEach
    void openStore() {
        store = remember(createStore(clock, settings));
    }

    @AfterEach
    void closeEverything() throws Exception {
        Exception first = null;
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    // --- helpers ---

    protected <T extends AutoCloseable> T remember(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    protected TaskStore secondInstance() {
        return remember(openSecondInstance(clock, settings));
    }

    protected OtherOwner otherOwner() {
        return remember(startOtherOwner(clock, settings));
    }

    protected void add(Task.Builder... tasks) {
        store.add(Arrays.stream(tasks).map(Task.Builder::build).toList());
    }

    protected List<Lease> claim(int maxClaims) {
        return store.commit(worker, List.of(), maxClaims).claimed();
    }

    /** Claims exactly one task and checks that it is the one expected. */
    protected Lease claimOne(String expectedId) {
        List<Lease> claimed = claim(1);
        assertThat(claimed).extracting(Lease::taskId).containsExactly(expectedId);
        return claimed.get(0);
    }

    protected CommitResult finish(Lease lease, GrindResult result) {
        return store.commit(worker, List.of(Finish.done(lease, result)), 0);
    }

    protected TaskRun runOf(String id) {
        return store.find(id).orElseThrow().run();
    }

    protected TaskStatus statusOf(String id) {
        return runOf(id).status();
    }

    /** What the workers' reaper does with the store: find stale claims and abandon them. */
    protected List<Takeover> reap() {
        return store.abandon(store.findStaleClaims());
    }

    private static List<String> ids(List<Lease> leases) {
        return leases.stream().map(Lease::taskId).toList();
    }

    // --- the contract ---

    @Nested
    class Adding {

        @Test
        void tasksKeepTheOrderTheyWereAddedIn() {
            add(aTask("b"), aTask("a"));
            add(aTask("c").priority(Priority.HIGH));

            assertThat(store.snapshot().tasks()).extracting(Task::id).containsExactly("b", "a", "c");
            assertThat(store.query(TaskQuery.all()).items()).extracting(TaskEntry::id).containsExactly("b", "a", "c");
        }

        @Test
        void createdAtIsStampedFromTheStoreClockWhenTheTaskHasNone() {
            clock.advance(Duration.ofMillis(1500));
            Instant given = Instant.parse("2025-12-31T23:59:59Z");

            add(aTask("a"), aTask("b").createdAt(given));

            assertThat(store.find("a").orElseThrow().task().createdAt()).isEqualTo(START.plusMillis(1500));
            assertThat(store.find("b").orElseThrow().task().createdAt()).isEqualTo(given);
        }

        @Test
        void aTaskKeepsEveryFieldItWasAddedWith() {
            Task task = aTask("a").description("compile the docs").command("make docs").minBudget(0.2)
                    .maxBudget(0.5).priority(Priority.LOW).maxAttempts(7).createdAt(START).build();
            add(aTask("base"));

            store.add(List.of(task.toBuilder().dependsOn(List.of("base")).build()));

            assertThat(store.find("a").orElseThrow().task())
                    .isEqualTo(task.toBuilder().dependsOn(List.of("base")).build());
        }

        @Test
        void aBatchWithAnIdAlreadyInTheQueueAddsNothing() {
            add(aTask("a"));

            assertThatThrownBy(() -> add(aTask("b"), aTask("a"))).isInstanceOf(DuplicateTaskException.class);

            assertThat(store.snapshot().tasks()).extracting(Task::id).containsExactly("a");
        }

        @Test
        void aBatchWithTheSameIdTwiceAddsNothing() {
            assertThatThrownBy(() -> add(aTask("c"), aTask("c"))).isInstanceOf(DuplicateTaskException.class);

            assertThat(store.summary().totalTasks()).isZero();
        }

        @Test
        void aDependencyMayNameATaskAddedEarlierOrLaterInTheSameBatch() {
            add(aTask("a"));

            add(aTask("c").dependsOn(List.of("b")), aTask("b").dependsOn(List.of("a")));

            assertThat(store.snapshot().tasks()).extracting(Task::id).containsExactly("a", "c", "b");
            assertThat(store.find("c").orElseThrow().task().dependsOn()).containsExactly("b");
        }

        @Test
        void aBatchWithAnUnknownDependencyAddsNothing() {
            assertThatThrownBy(() -> add(aTask("a"), aTask("b").dependsOn(List.of("ghost"))))
                    .isInstanceOf(InvalidTaskException.class)
                    .hasMessageContaining("ghost");

            assertThat(store.summary().totalTasks()).isZero();
        }

        @Test
        void aBatchThatWouldMakeADependencyCycleAddsNothing() {
            add(aTask("a"));

            assertThatThrownBy(() -> add(aTask("x").dependsOn(List.of("y")), aTask("y").dependsOn(List.of("x"))))
                    .isInstanceOf(InvalidTaskException.class)
                    .hasMessageContaining("dependency cycle");

            assertThat(store.snapshot().tasks()).extracting(Task::id).containsExactly("a");
        }

        @Test
        void addingAnEmptyBatchChangesNothing() {
            long before = store.version();

            store.add(List.of());

            assertThat(store.version()).isEqualTo(before);
            assertThat(store.summary().totalTasks()).isZero();
        }
    }

    @Nested
    class Reading {

        @Test
        void anEmptyStoreHasNoTasksNoClaimsAndASummaryOfZeros() {
            assertThat(store.summary()).isEqualTo(new Summary(0, 0, 0, 0, 0, 0, 0, 0.0));
            assertThat(store.snapshot().tasks()).isEmpty();
            assertThat(store.query(TaskQuery.all())).isEqualTo(new TaskPage(List.of(), 0));
            assertThat(store.claims()).isEmpty();
            assertThat(store.findStaleClaims()).isEmpty();
        }

        @Test
        void findGivesATaskWithItsRunStateAndNothingForAnUnknownId() {
            add(aTask("a").description("first"));

            TaskEntry entry = store.find("a").orElseThrow();

            assertThat(entry.task().description()).isEqualTo("first");
            assertThat(entry.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(entry.run().attempts()).isZero();
            assertThat(store.find("nope")).isEmpty();
        }

        @Test
        void queryFiltersByState() {
            add(aTask("a"), aTask("b"), aTask("c"));
            claimOne("a");

            assertThat(store.query(TaskQuery.inState(TaskStatus.PENDING)).items())
                    .extracting(TaskEntry::id).containsExactly("b", "c");
            TaskPage running = store.query(TaskQuery.inState(TaskStatus.IN_PROGRESS));
            assertThat(running.items()).extracting(TaskEntry::id).containsExactly("a");
            assertThat(running.items().get(0).run().workerId()).isEqualTo(worker.workerId());
            assertThat(running.total()).isEqualTo(1);
            assertThat(store.query(TaskQuery.inState(TaskStatus.FAILED))).isEqualTo(new TaskPage(List.of(), 0));
        }

        @Test
        void queryFindsTextInTheIdOrTheDescriptionWhateverItsCase() {
            add(aTask("deploy_web"), aTask("build").description("Build before we DEPLOY"), aTask("test"),
                    aTask("other").description("nothing to see"));

            TaskPage page = store.query(new TaskQuery(null, "deploy", 0, 10));

            assertThat(page.items()).extracting(TaskEntry::id).containsExactly("deploy_web", "build");
            assertThat(page.total()).isEqualTo(2);
        }

        @Test
        void queryCombinesStateAndText() {
            add(aTask("deploy_a"), aTask("deploy_b"), aTask("c").description("deploy c"));
            claimOne("deploy_a");

            TaskPage page = store.query(new TaskQuery(TaskStatus.PENDING, "DEPLOY", 0, 10));

            assertThat(page.items()).extracting(TaskEntry::id).containsExactly("deploy_b", "c");
        }

        @Test
        void queryPagesInQueueOrderAndCountsEveryMatch() {
            add(aTask("t1"), aTask("t2").priority(Priority.HIGH), aTask("t3"), aTask("t4"), aTask("t5"));

            TaskPage second = store.query(TaskQuery.all().page(2, 2));
            TaskPage last = store.query(TaskQuery.all().page(4, 2));
            TaskPage beyond = store.query(TaskQuery.all().page(10, 2));

            assertThat(second.items()).extracting(TaskEntry::id).containsExactly("t3", "t4");
            assertThat(second.total()).isEqualTo(5);
            assertThat(last.items()).extracting(TaskEntry::id).containsExactly("t5");
            assertThat(beyond.items()).isEmpty();
            assertThat(beyond.total()).isEqualTo(5);
        }

        @Test
        void theSnapshotHoldsEveryTaskInQueueOrderWithItsRun() {
            add(aTask("a"), aTask("b"));
            claimOne("a");

            Snapshot snapshot = store.snapshot();

            assertThat(snapshot.tasks()).extracting(Task::id).containsExactly("a", "b");
            assertThat(snapshot.statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(snapshot.statusOf("b")).isEqualTo(TaskStatus.PENDING);
        }

        @Test
        void theSummaryCountsEveryStateAndItsCountsAddUpToTheTotal() {
            // a completes, b fails for good, c runs, d waits on c, e is blocked by b, f is cancelled.
            add(aTask("a"), aTask("b").maxAttempts(1), aTask("c"), aTask("d").dependsOn(List.of("c")),
                    aTask("e").dependsOn(List.of("b")), aTask("f"));
            List<Lease> leases = claim(3);
            assertThat(leases).extracting(Lease::taskId).containsExactly("a", "b", "c");
            store.commit(worker, List.of(Finish.done(leases.get(0), OK), Finish.done(leases.get(1), BROKEN)), 0);
            store.cancel("f");

            Summary summary = store.summary();

            assertThat(summary).isEqualTo(new Summary(6, 1, 1, 1, 1, 1, 1, 0.08));
            int sum = 0;
            for (TaskStatus status : TaskStatus.values()) {
                sum += summary.count(status);
                assertThat(store.query(TaskQuery.inState(status)).total()).isEqualTo(summary.count(status));
            }
            assertThat(sum).isEqualTo(summary.totalTasks());
        }
    }

    @Nested
    class Claiming {

        @Test
        void aClaimPutsTheTaskInProgressUnderTheWorkerWithItsFirstAttempt() {
            add(aTask("a"));

            CommitResult result = store.commit(worker, List.of(), 5);

            assertThat(result.claimed()).hasSize(1);
            Lease lease = result.claimed().get(0);
            assertThat(lease.task()).isEqualTo(store.find("a").orElseThrow().task());
            assertThat(lease.attempt()).isEqualTo(1);
            assertThat(lease.worker()).isEqualTo(worker);
            assertThat(result.lost()).isEmpty();
            TaskRun run = runOf("a");
            assertThat(run.status()).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(run.workerId()).isEqualTo(worker.workerId());
            assertThat(run.attempts()).isEqualTo(1);
            assertThat(run.startedAt()).isEqualTo(START);
        }

        @Test
        void claimsListTheLiveClaimsWithTheirOwnerAndHeartbeat() {
            add(aTask("a"), aTask("b"));
            claimOne("a");

            List<Claim> claims = store.claims();

            assertThat(claims).hasSize(1);
            Claim claim = claims.get(0);
            assertThat(claim.taskId()).isEqualTo("a");
            assertThat(claim.workerId()).isEqualTo(worker.workerId());
            assertThat(claim.pid()).isEqualTo(worker.pid());
            assertThat(claim.host()).isEqualTo(worker.host());
            assertThat(claim.acquiredAt()).isEqualTo(START);
            assertThat(claim.heartbeatAt()).isEqualTo(START);
        }

        @Test
        void tasksAreClaimedByPriorityThenInQueueOrder() {
            add(aTask("low1").priority(Priority.LOW), aTask("med1"), aTask("high1").priority(Priority.HIGH),
                    aTask("med2"), aTask("high2").priority(Priority.HIGH), aTask("low2").priority(Priority.LOW));

            List<Lease> claimed = claim(6);

            assertThat(ids(claimed)).containsExactly("high1", "high2", "med1", "med2", "low1", "low2");
        }

        @Test
        void aCommitClaimsAtMostMaxClaimsAndSaysRunnableTasksWereLeft() {
            add(aTask("a"), aTask("b"), aTask("c"));

            CommitResult one = store.commit(worker, List.of(), 1);
            CommitResult none = store.commit(worker, List.of(), 0);
            CommitResult rest = store.commit(worker, List.of(), 5);

            assertThat(ids(one.claimed())).containsExactly("a");
            assertThat(one.runnableLeft()).isTrue();
            assertThat(none.claimed()).isEmpty();
            assertThat(none.runnableLeft()).isTrue();
            assertThat(ids(rest.claimed())).containsExactly("b", "c");
            assertThat(rest.runnableLeft()).isFalse();
        }

        @Test
        void tasksWaitingOnDependenciesOrBackoffAreNotRunnableLeft() {
            add(aTask("a"), aTask("b").dependsOn(List.of("a")));
            Lease a = claimOne("a");
            finish(a, BROKEN);

            CommitResult result = store.commit(worker, List.of(), 0);

            assertThat(result.runnableLeft()).isFalse();
            assertThat(result.nextBackoffEnd()).contains(START.plusSeconds(1));
        }

        @Test
        void aClaimedTaskIsNotClaimedAgainByAnotherWorkerOfAnotherInstance() {
            add(aTask("a"), aTask("b"));
            claimOne("a");

            CommitResult other = secondInstance().commit(WorkerIdentity.create(), List.of(), 5);

            assertThat(ids(other.claimed())).containsExactly("b");
            assertThat(runOf("a").workerId()).isEqualTo(worker.workerId());
        }

        @Test
        void aTaskClaimedByAnotherOwnerIsNotClaimedHere() {
            add(aTask("a"), aTask("b"));
            OtherOwner owner = otherOwner();
            assertThat(ids(owner.commit(List.of(), 1).claimed())).containsExactly("a");

            CommitResult here = store.commit(worker, List.of(), 5);

            assertThat(ids(here.claimed())).containsExactly("b");
            assertThat(runOf("a").workerId()).isEqualTo(owner.worker().workerId());
            assertThat(store.claims()).extracting(Claim::taskId, Claim::workerId).containsExactlyInAnyOrder(
                    tuple("a", owner.worker().workerId()),
                    tuple("b", worker.workerId()));
        }

        @Test
        void workersOfTwoInstancesCommittingAtOnceClaimEveryTaskExactlyOnce() throws Exception {
            int tasks = 60;
            store.add(IntStream.range(0, tasks).mapToObj(i -> aTask("t" + i).build()).toList());
            List<TaskStore> instances = List.of(store, secondInstance());
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<List<String>>> workers = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    TaskStore instance = instances.get(w % 2);
                    WorkerIdentity identity = WorkerIdentity.create();
                    workers.add(threads.submit(() -> {
                        go.await();
                        List<String> mine = new ArrayList<>();
                        List<Lease> got;
                        do {
                            got = instance.commit(identity, List.of(), 3).claimed();
                            got.forEach(lease -> mine.add(lease.taskId()));
                        } while (!got.isEmpty());
                        return mine;
                    }));
                }
                go.countDown();
                List<String> claimed = new ArrayList<>();
                for (Future<List<String>> w : workers) {
                    claimed.addAll(w.get(2, TimeUnit.MINUTES));
                }

                assertThat(claimed).hasSize(tasks).doesNotHaveDuplicates();
                assertThat(store.summary().inProgress()).isEqualTo(tasks);
                assertThat(store.claims()).hasSize(tasks);
            } finally {
                threads.shutdownNow();
            }
        }

        @Test
        void aTaskIsClaimedOnlyAfterAllItsDependenciesCompleted() {
            add(aTask("a"), aTask("b"), aTask("c").dependsOn(List.of("a", "b")));
            List<Lease> ab = claim(5);
            assertThat(ids(ab)).containsExactly("a", "b");

            CommitResult afterA = store.commit(worker, List.of(Finish.done(ab.get(0), OK)), 5);
            CommitResult afterB = store.commit(worker, List.of(Finish.done(ab.get(1), OK)), 5);

            assertThat(afterA.claimed()).isEmpty();
            assertThat(statusOf("c")).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(ids(afterB.claimed())).containsExactly("c");
        }

        @Test
        void aCommitNeverClaimsATaskWhoseOwnerDiedBeforeItIsAbandoned() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            owner.commit(List.of(), 1);
            owner.crash();

            // The dead owner's grind may still run: only a takeover (which ends it first) may free the task.
            assertThat(claim(5)).isEmpty();
            assertThat(statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
        }
    }

    @Nested
    class Finishing {

        @Test
        void aSuccessIsRecordedAndTheClaimEnds() {
            add(aTask("a"));
            Lease lease = claimOne("a");
            clock.advance(Duration.ofSeconds(5));

            CommitResult result = finish(lease, OK);

            assertThat(result.lost()).isEmpty();
            TaskRun run = runOf("a");
            assertThat(run.status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(run.completedAt()).isEqualTo(START.plusSeconds(5));
            assertThat(run.budgetUsed()).isEqualTo(0.05);
            assertThat(run.result()).isEqualTo("done");
            assertThat(run.exitCode()).isZero();
            assertThat(run.output()).isEqualTo("all good");
            assertThat(store.claims()).isEmpty();
            assertThat(store.summary().isSettled()).isTrue();
        }

        @Test
        void finishingAndClaimingHappenInOneCommit() {
            add(aTask("a"), aTask("b").dependsOn(List.of("a")));
            Lease a = claimOne("a");

            CommitResult result = store.commit(worker, List.of(Finish.done(a, OK)), 1);

            assertThat(ids(result.claimed())).containsExactly("b");
            assertThat(statusOf("a")).isEqualTo(TaskStatus.COMPLETED);
        }

        @Test
        void aReleasedTaskGoesBackToPendingWithoutUsingAnAttempt() {
            add(aTask("a"));
            Lease lease = claimOne("a");

            CommitResult result = store.commit(worker, List.of(Finish.released(lease)), 0);

            assertThat(result.lost()).isEmpty();
            assertThat(statusOf("a")).isEqualTo(TaskStatus.PENDING);
            assertThat(runOf("a").attempts()).isZero();
            assertThat(store.claims()).isEmpty();
            assertThat(result.runnableLeft()).isTrue();
            assertThat(claimOne("a").attempt()).isEqualTo(1);
        }
    }

    @Nested
    class Retrying {

        @Test
        void aFailedAttemptWithAttemptsLeftWaitsOutItsBackoff() {
            add(aTask("a").maxAttempts(3));
            Lease first = claimOne("a");

            CommitResult result = finish(first, BROKEN);

            assertThat(result.nextBackoffEnd()).contains(START.plusSeconds(1));
            TaskRun run = runOf("a");
            assertThat(run.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(run.attempts()).isEqualTo(1);
            assertThat(run.notBefore()).isEqualTo(START.plusSeconds(1));
            assertThat(run.error()).isEqualTo("exit code 1");
            clock.advance(Duration.ofMillis(999));
            assertThat(claim(1)).isEmpty();
            clock.advance(Duration.ofMillis(1));
            assertThat(claimOne("a").attempt()).isEqualTo(2);
        }

        @Test
        void theBackoffGrowsWithEachFailedAttempt() {
            add(aTask("a").maxAttempts(5));
            finish(claimOne("a"), BROKEN);
            clock.advance(Duration.ofSeconds(1));

            CommitResult second = finish(claimOne("a"), BROKEN);

            assertThat(second.nextBackoffEnd()).contains(START.plusSeconds(1 + 2));
            assertThat(runOf("a").attempts()).isEqualTo(2);
        }

        @Test
        void theLastAllowedAttemptFailsTheTaskForGood() {
            add(aTask("a").maxAttempts(2));
            finish(claimOne("a"), BROKEN);
            clock.advance(Duration.ofSeconds(1));

            CommitResult result = finish(claimOne("a"), BROKEN);

            TaskRun run = runOf("a");
            assertThat(run.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(run.attempts()).isEqualTo(2);
            assertThat(run.error()).isEqualTo("exit code 1");
            assertThat(run.notBefore()).isNull();
            assertThat(result.nextBackoffEnd()).isEmpty();
            clock.advance(Duration.ofMinutes(10));
            assertThat(claim(1)).isEmpty();
        }

        @Test
        void aFailureThatWouldOnlyRepeatItselfIsNotRetried() {
            add(aTask("a").maxAttempts(5));

            finish(claimOne("a"), HOPELESS);

            assertThat(statusOf("a")).isEqualTo(TaskStatus.FAILED);
            assertThat(runOf("a").error()).isEqualTo("budget exhausted");
        }
    }

    @Nested
    class Blocking {

        @Test
        void aFailedDependencyBlocksTheWholeChainWithReasons() {
            add(aTask("a").maxAttempts(1), aTask("b").dependsOn(List.of("a")), aTask("c").dependsOn(List.of("b")),
                    aTask("free"));
            Lease a = claimOne("a");

            CommitResult result = store.commit(worker, List.of(Finish.done(a, BROKEN)), 5);

            assertThat(ids(result.claimed())).containsExactly("free");
            assertThat(statusOf("b")).isEqualTo(TaskStatus.BLOCKED);
            assertThat(runOf("b").error()).isEqualTo("dependency 'a' is failed");
            assertThat(statusOf("c")).isEqualTo(TaskStatus.BLOCKED);
            assertThat(runOf("c").error()).isEqualTo("dependency 'b' is blocked");
        }

        @Test
        void aFailureWithAttemptsLeftBlocksNothing() {
            add(aTask("a").maxAttempts(2), aTask("b").dependsOn(List.of("a")));

            finish(claimOne("a"), BROKEN);

            assertThat(statusOf("b")).isEqualTo(TaskStatus.PENDING);
        }
    }

    @Nested
    class Fencing {

        @Test
        void aLeaseLostToACancelRecordsNothingAndIsReportedLost() {
            add(aTask("a"));
            Lease lease = claimOne("a");
            store.cancel("a");

            assertThat(store.renew(List.of(lease))).containsExactly(lease);
            CommitResult result = finish(lease, OK);

            assertThat(result.lost()).containsExactly(lease);
            TaskRun run = runOf("a");
            assertThat(run.status()).isEqualTo(TaskStatus.CANCELLED);
            assertThat(run.result()).isNull();
            assertThat(store.recordGrind(lease, 4242, START)).isFalse();
        }

        @Test
        void everyClaimOfATaskCarriesAFenceOfItsOwn() {
            add(aTask("a"));
            Lease first = claimOne("a");
            store.commit(worker, List.of(Finish.released(first)), 0);

            Lease second = claimOne("a");

            assertThat(second.fence()).isNotEqualTo(first.fence());
        }

        @Test
        void aSupersededLeaseOfTheSameWorkerCanNeitherRenewNorFinish() {
            add(aTask("a"));
            Lease first = claimOne("a");
            store.commit(worker, List.of(Finish.released(first)), 0);
            Lease second = claimOne("a");

            assertThat(store.renew(List.of(first))).containsExactly(first);
            CommitResult late = finish(first, OK);

            assertThat(late.lost()).containsExactly(first);
            assertThat(statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(store.renew(List.of(second))).isEmpty();
            assertThat(finish(second, OK).lost()).isEmpty();
            assertThat(statusOf("a")).isEqualTo(TaskStatus.COMPLETED);
        }

        @Test
        void anOwnerWhoseClaimWasTakenOverLearnsItAtItsNextHeartbeatAndRecordsNothing() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            Lease theirs = owner.commit(List.of(), 1).claimed().get(0);
            clock.advance(LEASE.plusSeconds(1));
            assertThat(reap()).extracting(Takeover::reason).containsExactly(Takeover.Reason.LEASE_EXPIRED);
            Lease ours = claimOne("a");

            assertThat(owner.renew(List.of(theirs))).extracting(Lease::taskId).containsExactly("a");
            CommitResult late = owner.commit(List.of(Finish.done(theirs, OK)), 0);

            assertThat(late.lost()).extracting(Lease::taskId).containsExactly("a");
            TaskRun run = runOf("a");
            assertThat(run.status()).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(run.workerId()).isEqualTo(worker.workerId());
            assertThat(run.result()).isNull();
            assertThat(store.renew(List.of(ours))).isEmpty();
        }

        @Test
        void aCancelMadeElsewhereReachesTheOwnerAtItsNextHeartbeat() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            Lease theirs = owner.commit(List.of(), 1).claimed().get(0);

            TaskStore.Cancellation cancellation = store.cancel("a");

            assertThat(cancellation.endedClaim()).hasValueSatisfying(claim ->
                    assertThat(claim.workerId()).isEqualTo(owner.worker().workerId()));
            assertThat(owner.renew(List.of(theirs))).extracting(Lease::taskId).containsExactly("a");
            assertThat(owner.commit(List.of(Finish.done(theirs, OK)), 0).lost())
                    .extracting(Lease::taskId).containsExactly("a");
            assertThat(statusOf("a")).isEqualTo(TaskStatus.CANCELLED);
            assertThat(runOf("a").result()).isNull();
        }

        @Test
        void aLateFinishUnderTheLeaseOfADeadOwnerRecordsNothing() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            Lease theirs = owner.commit(List.of(), 1).claimed().get(0);
            owner.crash();
            reap();
            claimOne("a");

            CommitResult late = store.commit(owner.worker(), List.of(Finish.done(theirs, OK)), 0);

            assertThat(late.lost()).extracting(Lease::taskId).containsExactly("a");
            assertThat(runOf("a").workerId()).isEqualTo(worker.workerId());
            assertThat(statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
        }
    }

    @Nested
    class Heartbeats {

        @Test
        void aRenewMovesTheHeartbeat() {
            add(aTask("a"));
            Lease lease = claimOne("a");
            clock.advance(Duration.ofSeconds(4));

            assertThat(store.renew(List.of(lease))).isEmpty();

            assertThat(store.claims()).singleElement().satisfies(claim -> {
                assertThat(claim.acquiredAt()).isEqualTo(START);
                assertThat(claim.heartbeatAt()).isEqualTo(START.plusSeconds(4));
            });
        }

        @Test
        void anOwnerThatKeepsRenewingIsNeverTakenOver() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            Lease theirs = owner.commit(List.of(), 1).claimed().get(0);

            for (int beat = 0; beat < 4; beat++) {
                clock.advance(LEASE.minusSeconds(2));
                assertThat(owner.renew(List.of(theirs))).isEmpty();
                assertThat(store.findStaleClaims()).isEmpty();
            }
            assertThat(statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
        }

        @Test
        void theGrindOfAClaimIsKeptForWhoeverEndsIt() {
            add(aTask("a"));
            Lease lease = claimOne("a");
            Instant startedAt = START.plusMillis(20);

            assertThat(store.recordGrind(lease, 4242, startedAt)).isTrue();

            assertThat(store.claims()).singleElement().satisfies(claim -> {
                assertThat(claim.grindPid()).isEqualTo(4242L);
                assertThat(claim.grindStartedAt()).isEqualTo(startedAt);
            });
            TaskStore.Cancellation cancellation = store.cancel("a");
            assertThat(cancellation.endedClaim()).hasValueSatisfying(claim -> {
                assertThat(claim.workerId()).isEqualTo(worker.workerId());
                assertThat(claim.grindPid()).isEqualTo(4242L);
                assertThat(claim.grindStartedAt()).isEqualTo(startedAt);
            });
        }
    }

    @Nested
    class TakingOver {

        @Test
        void aDeadOwnersClaimIsFoundAtOnceAndTakenOverWithItsAttemptCounted() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            owner.commit(List.of(), 1);
            owner.crash();

            List<StaleClaim> stale = store.findStaleClaims();

            assertThat(stale).singleElement().satisfies(claim -> {
                assertThat(claim.taskId()).isEqualTo("a");
                assertThat(claim.reason()).isEqualTo(Takeover.Reason.OWNER_DIED);
                assertThat(claim.previousWorker()).isEqualTo(owner.worker().workerId());
            });
            assertThat(store.abandon(stale)).containsExactly(
                    new Takeover("a", owner.worker().workerId(), Takeover.Reason.OWNER_DIED));
            TaskRun run = runOf("a");
            assertThat(run.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(run.attempts()).isEqualTo(1);
            assertThat(run.error()).contains(owner.worker().workerId());
            assertThat(store.claims()).isEmpty();
            assertThat(claimOne("a").attempt()).isEqualTo(2);
        }

        @Test
        void aStaleClaimCarriesTheOwnersHostAndGrindSoThatAReaperThereCanEndIt() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            Lease theirs = owner.commit(List.of(), 1).claimed().get(0);
            Instant grindStart = START.plusMillis(30);
            assertThat(owner.recordGrind(theirs, 4242, grindStart)).isTrue();
            clock.advance(LEASE.plusSeconds(1));

            List<StaleClaim> stale = store.findStaleClaims();

            assertThat(stale).singleElement().extracting(StaleClaim::claim).satisfies(claim -> {
                assertThat(claim.workerId()).isEqualTo(owner.worker().workerId());
                assertThat(claim.host()).isEqualTo(owner.worker().host());
                assertThat(claim.pid()).isEqualTo(owner.worker().pid());
                assertThat(claim.grindPid()).isEqualTo(4242L);
                assertThat(claim.grindStartedAt()).isEqualTo(grindStart);
            });
        }

        @Test
        void aDeadOwnersTaskWithNoAttemptLeftFails() {
            add(aTask("a").maxAttempts(1), aTask("b"));
            OtherOwner owner = otherOwner();
            owner.commit(List.of(), 1);
            owner.crash();

            reap();

            TaskRun run = runOf("a");
            assertThat(run.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(run.attempts()).isEqualTo(1);
            assertThat(run.error()).contains(owner.worker().workerId());
            assertThat(ids(claim(5))).containsExactly("b");
        }

        @Test
        void aTakeoverThatFailsATaskBlocksItsDependents() {
            add(aTask("a").maxAttempts(1), aTask("b").dependsOn(List.of("a")));
            OtherOwner owner = otherOwner();
            owner.commit(List.of(), 1);
            owner.crash();

            reap();

            assertThat(statusOf("b")).isEqualTo(TaskStatus.BLOCKED);
            assertThat(runOf("b").error()).isEqualTo("dependency 'a' is failed");
        }

        @Test
        void aLiveOwnersClaimIsTakenOverOnlyOnceItsLeaseHasPassed() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            owner.commit(List.of(), 1);

            clock.advance(LEASE.minusSeconds(1));
            assertThat(store.findStaleClaims()).isEmpty();
            clock.advance(Duration.ofSeconds(2));
            List<StaleClaim> stale = store.findStaleClaims();

            assertThat(stale).singleElement().satisfies(claim -> {
                assertThat(claim.reason()).isEqualTo(Takeover.Reason.LEASE_EXPIRED);
                assertThat(claim.previousWorker()).isEqualTo(owner.worker().workerId());
            });
            assertThat(store.abandon(stale)).containsExactly(
                    new Takeover("a", owner.worker().workerId(), Takeover.Reason.LEASE_EXPIRED));
            assertThat(statusOf("a")).isEqualTo(TaskStatus.PENDING);
            assertThat(runOf("a").attempts()).isEqualTo(1);
            assertThat(claimOne("a").attempt()).isEqualTo(2);
        }

        @Test
        void ourOwnLiveClaimsAreNeverTakenOver() {
            add(aTask("a"));
            Lease lease = claimOne("a");
            clock.advance(Duration.ofMinutes(30));

            assertThat(store.findStaleClaims()).isEmpty();
            assertThat(store.renew(List.of(lease))).isEmpty();
            assertThat(statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
        }

        @Test
        void abandonLeavesAClaimRenewedSinceItWasFound() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            Lease theirs = owner.commit(List.of(), 1).claimed().get(0);
            clock.advance(LEASE.plusSeconds(1));
            List<StaleClaim> found = store.findStaleClaims();
            assertThat(found).extracting(StaleClaim::reason).containsExactly(Takeover.Reason.LEASE_EXPIRED);

            assertThat(owner.renew(List.of(theirs))).isEmpty();
            List<Takeover> takeovers = store.abandon(found);

            assertThat(takeovers).isEmpty();
            assertThat(runOf("a").workerId()).isEqualTo(owner.worker().workerId());
            assertThat(owner.commit(List.of(Finish.done(theirs, OK)), 0).lost()).isEmpty();
            assertThat(statusOf("a")).isEqualTo(TaskStatus.COMPLETED);
        }

        @Test
        void twoReapersThatFoundTheSameDeadClaimTakeItOverOnce() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            owner.commit(List.of(), 1);
            owner.crash();
            TaskStore second = secondInstance();
            List<StaleClaim> foundHere = store.findStaleClaims();
            List<StaleClaim> foundThere = second.findStaleClaims();

            List<Takeover> first = store.abandon(foundHere);
            List<Takeover> again = second.abandon(foundThere);

            assertThat(first).hasSize(1);
            assertThat(again).isEmpty();
            assertThat(runOf("a").attempts()).isEqualTo(1);
        }

        @Test
        void abandonLeavesAClaimThatReplacedTheOneFound() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            owner.commit(List.of(), 1);
            owner.crash();
            List<StaleClaim> found = store.findStaleClaims();
            assertThat(secondInstance().abandon(found)).hasSize(1);
            Lease replacement = claimOne("a");

            List<Takeover> late = store.abandon(found);

            assertThat(late).isEmpty();
            assertThat(statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(runOf("a").attempts()).isEqualTo(2);
            assertThat(store.renew(List.of(replacement))).isEmpty();
            assertThat(finish(replacement, OK).lost()).isEmpty();
        }
    }

    @Nested
    class Cancelling {

        @Test
        void cancellingARunningTaskEndsItsClaimAndBlocksItsDependents() {
            add(aTask("a"), aTask("b").dependsOn(List.of("a")), aTask("c").dependsOn(List.of("b")));
            Lease lease = claimOne("a");

            TaskStore.Cancellation cancellation = store.cancel("a");

            assertThat(cancellation.run().status()).isEqualTo(TaskStatus.CANCELLED);
            assertThat(cancellation.endedClaim()).hasValueSatisfying(claim -> {
                assertThat(claim.taskId()).isEqualTo("a");
                assertThat(claim.workerId()).isEqualTo(worker.workerId());
            });
            assertThat(store.claims()).isEmpty();
            assertThat(store.renew(List.of(lease))).containsExactly(lease);
            assertThat(statusOf("a")).isEqualTo(TaskStatus.CANCELLED);
            assertThat(runOf("a").error()).isEqualTo("cancelled by user");
            assertThat(statusOf("b")).isEqualTo(TaskStatus.BLOCKED);
            assertThat(runOf("b").error()).isEqualTo("dependency 'a' is cancelled");
            assertThat(statusOf("c")).isEqualTo(TaskStatus.BLOCKED);
        }

        @Test
        void cancellingAPendingTaskEndsNoClaim() {
            add(aTask("a"));

            TaskStore.Cancellation cancellation = store.cancel("a");

            assertThat(cancellation.endedClaim()).isEmpty();
            assertThat(statusOf("a")).isEqualTo(TaskStatus.CANCELLED);
            assertThat(claim(1)).isEmpty();
        }

        @Test
        void aBlockedTaskCanBeCancelled() {
            add(aTask("a").maxAttempts(1), aTask("b").dependsOn(List.of("a")));
            finish(claimOne("a"), BROKEN);

            store.cancel("b");

            assertThat(statusOf("b")).isEqualTo(TaskStatus.CANCELLED);
        }

        @Test
        void cancellingAFinishedTaskIsAnIllegalTransitionAndChangesNothing() {
            add(aTask("a"), aTask("b"));
            finish(claimOne("a"), OK);
            store.cancel("b");
            long before = store.version();

            assertThatThrownBy(() -> store.cancel("a")).isInstanceOf(IllegalTransitionException.class);
            assertThatThrownBy(() -> store.cancel("b")).isInstanceOf(IllegalTransitionException.class);

            assertThat(statusOf("a")).isEqualTo(TaskStatus.COMPLETED);
            assertThat(store.version()).isEqualTo(before);
        }

        @Test
        void cancellingAnUnknownTaskSaysSo() {
            assertThatThrownBy(() -> store.cancel("ghost")).isInstanceOf(UnknownTaskException.class);
        }
    }

    @Nested
    class UserRetries {

        @Test
        void retryRefusesARunningTaskSoItsClaimCannotOutliveIt() {
            add(aTask("a"));
            Lease lease = claimOne("a");

            assertThatThrownBy(() -> store.retry(List.of("a"))).isInstanceOf(IllegalTransitionException.class)
                    .hasMessageContaining("cancel it first");

            assertThat(statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(store.renew(List.of(lease))).isEmpty();
        }

        @Test
        void retryPutsAFailedTaskBackWithFreshAttemptsAndUnblocksItsDependents() {
            add(aTask("a").maxAttempts(1), aTask("b").dependsOn(List.of("a")), aTask("c").dependsOn(List.of("b")));
            finish(claimOne("a"), BROKEN);
            assertThat(statusOf("c")).isEqualTo(TaskStatus.BLOCKED);

            List<String> retried = store.retry(List.of("a"));

            assertThat(retried).containsExactlyInAnyOrder("a", "b", "c");
            TaskRun a = runOf("a");
            assertThat(a.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(a.attempts()).isZero();
            assertThat(a.error()).isNull();
            assertThat(statusOf("b")).isEqualTo(TaskStatus.PENDING);
            assertThat(runOf("b").error()).isNull();
            assertThat(statusOf("c")).isEqualTo(TaskStatus.PENDING);
            assertThat(claimOne("a").attempt()).isEqualTo(1);
        }

        @Test
        void retryRunsACompletedTaskAgainWhenTheUserAsks() {
            add(aTask("a"));
            finish(claimOne("a"), OK);

            assertThat(store.retry(List.of("a"))).containsExactly("a");

            assertThat(statusOf("a")).isEqualTo(TaskStatus.PENDING);
            assertThat(runOf("a").result()).isNull();
            assertThat(claimOne("a").attempt()).isEqualTo(1);
        }

        @Test
        void retryingACancelledTaskMakesItRunnableAgain() {
            add(aTask("a"), aTask("b").dependsOn(List.of("a")));
            Lease cancelled = claimOne("a");
            store.cancel("a");
            assertThat(finish(cancelled, OK).lost()).containsExactly(cancelled);

            assertThat(store.retry(List.of("a"))).containsExactlyInAnyOrder("a", "b");

            Lease again = claimOne("a");
            assertThat(again.attempt()).isEqualTo(1);
            assertThat(again.fence()).isNotEqualTo(cancelled.fence());
            assertThat(statusOf("b")).isEqualTo(TaskStatus.PENDING);
        }

        @Test
        void aCancelledTaskRetriedAtOnceCanBeClaimedBeforeItsOldOwnerHearsOfTheCancel() {
            add(aTask("a"));
            Lease cancelled = claimOne("a");
            store.cancel("a");
            store.retry(List.of("a"));

            Lease again = claimOne("a");

            assertThat(store.renew(List.of(cancelled))).containsExactly(cancelled);
            assertThat(finish(cancelled, OK).lost()).containsExactly(cancelled);
            assertThat(statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(finish(again, OK).lost()).isEmpty();
        }

        @Test
        void retryingATaskInBackoffMakesItRunnableAtOnce() {
            add(aTask("a"));
            finish(claimOne("a"), BROKEN);

            assertThat(store.retry(List.of("a"))).containsExactly("a");

            assertThat(runOf("a").notBefore()).isNull();
            assertThat(claimOne("a").attempt()).isEqualTo(1);
        }

        @Test
        void retryingAPendingTaskDoesNothing() {
            add(aTask("a"));
            long before = store.version();

            assertThat(store.retry(List.of("a"))).isEmpty();

            assertThat(store.version()).isEqualTo(before);
        }

        @Test
        void retryingAnUnknownTaskChangesNothing() {
            add(aTask("a").maxAttempts(1));
            finish(claimOne("a"), BROKEN);

            assertThatThrownBy(() -> store.retry(List.of("a", "ghost"))).isInstanceOf(UnknownTaskException.class);

            assertThat(statusOf("a")).isEqualTo(TaskStatus.FAILED);
        }

        @Test
        void retryFailedRetriesEveryFailedTaskAndWhatTheyBlocked() {
            add(aTask("a").maxAttempts(1), aTask("b").maxAttempts(1), aTask("c").dependsOn(List.of("a")),
                    aTask("done"));
            List<Lease> leases = claim(3);
            store.commit(worker, List.of(Finish.done(leases.get(0), BROKEN), Finish.done(leases.get(1), HOPELESS),
                    Finish.done(leases.get(2), OK)), 0);

            List<String> retried = store.retryFailed();

            assertThat(retried).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(statusOf("a")).isEqualTo(TaskStatus.PENDING);
            assertThat(statusOf("b")).isEqualTo(TaskStatus.PENDING);
            assertThat(statusOf("c")).isEqualTo(TaskStatus.PENDING);
            assertThat(statusOf("done")).isEqualTo(TaskStatus.COMPLETED);
            assertThat(store.retryFailed()).isEmpty();
        }
    }

    @Nested
    class Clearing {

        @Test
        void clearEmptiesTheQueueAndEndsEveryClaim() {
            add(aTask("a"), aTask("b"), aTask("c"));
            Lease lease = claimOne("a");

            TaskStore.ClearResult result = store.clear();

            assertThat(result).isEqualTo(new TaskStore.ClearResult(3, 1));
            assertThat(store.summary().totalTasks()).isZero();
            assertThat(store.claims()).isEmpty();
            assertThat(store.find("a")).isEmpty();
            assertThat(store.renew(List.of(lease))).containsExactly(lease);
            assertThat(finish(lease, OK).lost()).containsExactly(lease);
            assertThat(store.summary().totalTasks()).isZero();
        }

        @Test
        void clearEndsTheClaimsOfOtherOwnersToo() {
            add(aTask("a"), aTask("b"));
            OtherOwner owner = otherOwner();
            Lease theirs = owner.commit(List.of(), 1).claimed().get(0);

            assertThat(store.clear()).isEqualTo(new TaskStore.ClearResult(2, 1));

            assertThat(store.claims()).isEmpty();
            assertThat(owner.renew(List.of(theirs))).extracting(Lease::taskId).containsExactly("a");
        }

        @Test
        void theSameIdsCanBeAddedAgainAfterAClear() {
            add(aTask("a"));
            finish(claimOne("a"), OK);
            store.clear();

            add(aTask("a"));

            assertThat(statusOf("a")).isEqualTo(TaskStatus.PENDING);
            assertThat(runOf("a").attempts()).isZero();
            assertThat(claimOne("a").attempt()).isEqualTo(1);
        }
    }

    @Nested
    class Versions {

        @Test
        void everyWriteChangesTheVersion() {
            List<Long> seen = new ArrayList<>();
            seen.add(store.version());
            add(aTask("a").maxAttempts(1), aTask("b"), aTask("c"));
            seen.add(store.version());
            Lease a = claimOne("a");
            seen.add(store.version());
            finish(a, BROKEN);
            seen.add(store.version());
            store.retry(List.of("a"));
            seen.add(store.version());
            store.cancel("b");
            seen.add(store.version());
            store.clear();
            seen.add(store.version());

            assertThat(seen).doesNotHaveDuplicates();
        }

        @Test
        void readsAndCommitsWithNothingToDoLeaveTheVersionAlone() {
            add(aTask("a"), aTask("b").dependsOn(List.of("a")));
            claimOne("a");
            long before = store.version();

            store.summary();
            store.find("a");
            store.query(TaskQuery.all());
            store.snapshot();
            store.claims();
            store.findStaleClaims();
            store.abandon(List.of());
            store.retryFailed();
            CommitResult nothing = store.commit(worker, List.of(), 5);

            assertThat(nothing.claimed()).isEmpty();
            assertThat(nothing.version()).isEqualTo(before);
            assertThat(store.version()).isEqualTo(before);
        }

        @Test
        void aCommitReportsTheVersionItLeftBehind() {
            add(aTask("a"));

            CommitResult result = store.commit(worker, List.of(), 1);

            assertThat(result.version()).isEqualTo(store.version());
        }

        @Test
        void aWriteThroughAnotherInstanceChangesThisInstancesVersion() {
            TaskStore second = secondInstance();
            add(aTask("a"));
            long before = store.version();

            second.add(List.of(aTask("b").build()));

            assertThat(store.version()).isNotEqualTo(before);
            assertThat(store.find("b")).isPresent();
        }
    }

    @Nested
    class AwaitingChange {

        private static final Duration PROMPTLY = Duration.ofSeconds(2);

        @Test
        void returnsAtOnceWhenTheVersionAlreadyDiffers() throws Exception {
            long old = store.version();
            add(aTask("a"));

            long started = System.nanoTime();
            long now = store.awaitChange(old, Duration.ofSeconds(30));

            assertThat(now).isEqualTo(store.version()).isNotEqualTo(old);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PROMPTLY);
        }

        @Test
        void returnsTheSameVersionAfterTheTimeoutWhenNothingChanged() throws Exception {
            add(aTask("a"));
            long current = store.version();
            Duration timeout = Duration.ofMillis(300);

            long started = System.nanoTime();
            long now = store.awaitChange(current, timeout);
            Duration waited = Duration.ofNanos(System.nanoTime() - started);

            assertThat(now).isEqualTo(current);
            assertThat(waited).isGreaterThanOrEqualTo(timeout).isLessThan(timeout.plus(PROMPTLY));
        }

        @Test
        void wakesSoonAfterAnotherInstanceWrites() throws Exception {
            TaskStore second = secondInstance();
            long seen = store.version();
            CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return store.awaitChange(seen, Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });

            long wrote = System.nanoTime();
            second.add(List.of(aTask("a").build()));
            long now = waiting.get(PROMPTLY.toMillis() * 3, TimeUnit.MILLISECONDS);

            assertThat(now).isNotEqualTo(seen);
            assertThat(Duration.ofNanos(System.nanoTime() - wrote)).isLessThan(PROMPTLY);
        }
    }

    @Nested
    class Spending {

        private static final Optional<SpendLimit> NO_PROCESS_LIMIT = Optional.empty();

        private SpendLedger ledger() {
            return store.spend(NO_PROCESS_LIMIT).ledger();
        }

        private Optional<SpendLimit> dollars(String amount) {
            return Optional.of(SpendLimit.parse("limit", amount));
        }

        /** The ledger's two promises besides the ceiling: it adds up to the tasks' own figures, and to its days. */
        private void assertLedgerAgreesWithTheTasks() {
            Snapshot snapshot = store.snapshot();
            SpendLedger ledger = ledger();
            long spent = 0;
            long reserved = 0;
            for (Task task : snapshot.tasks()) {
                TaskRun run = snapshot.runOf(task.id());
                spent += Money.micros(run.spentOrZero());
                reserved += run.status() == TaskStatus.IN_PROGRESS ? Money.micros(task.maxBudget()) : 0;
            }
            assertThat(ledger.spentMicros()).as("spent").isEqualTo(spent);
            assertThat(ledger.reservedMicros()).as("reserved").isEqualTo(reserved);
            assertThat(ledger.spentByDay().values().stream().mapToLong(Long::longValue).sum())
                    .as("spent by day").isEqualTo(spent);
        }

        @Test
        void aNewStoreHasSpentNothingAndKeepsNoLimit() {
            SpendStatus status = store.spend(NO_PROCESS_LIMIT);

            assertThat(status.ledger()).isEqualTo(SpendLedger.empty());
            assertThat(status.waitingForBudget()).isZero();
            assertThat(status.ceiling()).isEmpty();
        }

        @Test
        void aLimitIsKeptInTheStoreForEveryInstanceUntilItIsRemoved() {
            long before = store.version();

            SpendLedger after = store.limitSpend(dollars("5.00"));

            assertThat(after.limit()).isEqualTo(dollars("5"));
            assertThat(store.version()).isNotEqualTo(before);
            assertThat(secondInstance().spend(NO_PROCESS_LIMIT).ledger().limit()).isEqualTo(dollars("5"));
            store.limitSpend(Optional.empty());
            assertThat(ledger().limit()).isEmpty();
        }

        @Test
        void aClaimReservesEachTasksMaxBudgetInTheSameCommit() {
            add(aTask("a"), aTask("b").minBudget(0.01).maxBudget(0.25));

            claim(2);

            assertThat(ledger().reservedMicros()).isEqualTo(350_000);
            assertThat(ledger().spentMicros()).isZero();
            assertLedgerAgreesWithTheTasks();
        }

        @Test
        void aFinishSettlesTheReservationToWhatTheGrindCost() {
            add(aTask("a"));

            finish(claimOne("a"), OK);

            assertThat(ledger().spentMicros()).isEqualTo(50_000);
            assertThat(ledger().reservedMicros()).isZero();
            assertThat(ledger().spentByDay()).containsExactly(Map.entry(LocalDate.of(2026, 1, 15), 50_000L));
            assertThat(runOf("a").spent()).isEqualTo(0.05);
        }

        @Test
        void everyAttemptCountsInTheTasksSpendAndARetryKeepsIt() {
            add(aTask("a").maxAttempts(2));
            finish(claimOne("a"), BROKEN);
            clock.advance(Duration.ofSeconds(2));
            finish(claimOne("a"), OK);

            assertThat(runOf("a").budgetUsed()).isEqualTo(0.05);
            assertThat(runOf("a").spent()).isEqualTo(0.08);
            store.retry(List.of("a"));
            assertThat(runOf("a").spent()).isEqualTo(0.08);
            assertThat(ledger().spentMicros()).isEqualTo(80_000);
            assertLedgerAgreesWithTheTasks();
        }

        @Test
        void aTaskThatDoesNotFitStaysPendingAndTheCommitSaysItWaitsForBudget() {
            store.limitSpend(dollars("0.25"));
            add(aTask("a"), aTask("b"), aTask("c"));

            CommitResult result = store.commit(worker, List.of(), 5);

            assertThat(ids(result.claimed())).containsExactly("a", "b");
            assertThat(result.waitingForBudget()).isTrue();
            assertThat(result.runnableLeft()).as("room in the pool would not help it").isFalse();
            assertThat(statusOf("c")).isEqualTo(TaskStatus.PENDING);
            SpendStatus status = store.spend(NO_PROCESS_LIMIT);
            assertThat(status.waitingForBudget()).isEqualTo(1);
            assertThat(status.ledger().spentMicros() + status.ledger().reservedMicros()).isEqualTo(200_000);
        }

        @Test
        void aSettledReservationMakesRoomForTheNextTask() {
            store.limitSpend(dollars("0.25"));
            add(aTask("a"), aTask("b"), aTask("c"));
            List<Lease> ab = claim(5);

            CommitResult result = store.commit(worker, List.of(Finish.done(ab.get(0), OK)), 5);

            assertThat(ids(result.claimed())).containsExactly("c");
            assertThat(result.waitingForBudget()).isFalse();
            assertThat(ledger().spentMicros()).isEqualTo(50_000);
            assertThat(ledger().reservedMicros()).isEqualTo(200_000);
        }

        @Test
        void aSmallerTaskBehindOneThatDoesNotFitIsClaimed() {
            store.limitSpend(dollars("0.15"));
            add(aTask("big").maxBudget(0.20).priority(Priority.HIGH), aTask("small"));

            CommitResult result = store.commit(worker, List.of(), 5);

            assertThat(ids(result.claimed())).containsExactly("small");
            assertThat(result.waitingForBudget()).isTrue();
            assertThat(statusOf("big")).isEqualTo(TaskStatus.PENDING);
        }

        @Test
        void aLimitOfZeroLetsNothingStart() {
            store.limitSpend(dollars("0"));
            add(aTask("a"));

            CommitResult result = store.commit(worker, List.of(), 5);

            assertThat(result.claimed()).isEmpty();
            assertThat(result.waitingForBudget()).isTrue();
            assertThat(store.spend(NO_PROCESS_LIMIT).stalled()).isTrue();
        }

        @Test
        void theProcessLimitAndTheStoreLimitBothApplyAndTheSmallerWins() {
            add(aTask("a"), aTask("b"), aTask("c"));
            store.limitSpend(dollars("1.00"));
            TaskStore capped = remember(openSecondInstance(clock, settings.withSpendLimit(dollars("0.15"))));

            CommitResult underProcessLimit = capped.commit(WorkerIdentity.create(), List.of(), 5);
            assertThat(ids(underProcessLimit.claimed())).containsExactly("a");
            assertThat(underProcessLimit.waitingForBudget()).isTrue();
            assertThat(capped.spend(dollars("0.15")).ceiling()).isEqualTo(dollars("0.15"));

            assertThat(ids(store.commit(worker, List.of(), 1).claimed())).containsExactly("b");
            store.limitSpend(dollars("0.20"));
            assertThat(store.commit(worker, List.of(), 5).claimed()).isEmpty();
            assertThat(store.spend(dollars("0.15")).ceiling()).isEqualTo(dollars("0.15"));
            assertThat(store.spend(dollars("5")).ceiling()).isEqualTo(dollars("0.20"));
        }

        @Test
        void raisingTheLimitLetsWaitingTasksRun() {
            store.limitSpend(dollars("0.10"));
            add(aTask("a"), aTask("b"));
            finish(claimOne("a"), OK);
            assertThat(store.commit(worker, List.of(), 5).claimed()).isEmpty();
            long before = store.version();

            store.limitSpend(dollars("0.20"));

            assertThat(store.version()).isNotEqualTo(before);
            assertThat(ids(store.commit(worker, List.of(), 5).claimed())).containsExactly("b");
        }

        @Test
        void anAttemptWhoseOwnerDiedIsChargedItsWholeReservation() {
            add(aTask("a").maxBudget(0.12));
            OtherOwner owner = otherOwner();
            owner.commit(List.of(), 1);
            owner.crash();

            assertThat(reap()).hasSize(1);

            assertThat(statusOf("a")).isEqualTo(TaskStatus.PENDING);
            assertThat(runOf("a").spent()).isEqualTo(0.12);
            assertThat(ledger().spentMicros()).isEqualTo(120_000);
            assertThat(ledger().reservedMicros()).isZero();
            assertLedgerAgreesWithTheTasks();
        }

        @Test
        void cancellingARunningTaskChargesItsReservationAndAPendingOneNothing() {
            add(aTask("running"), aTask("waiting"));
            claimOne("running");

            store.cancel("running");
            store.cancel("waiting");

            assertThat(runOf("running").spent()).isEqualTo(0.10);
            assertThat(runOf("waiting").spent()).isNull();
            assertThat(ledger().spentMicros()).isEqualTo(100_000);
            assertThat(ledger().reservedMicros()).isZero();
        }

        @Test
        void aReleasedTaskIsChargedWhatItsStoppedGrindCostAndKeepsItsAttempt() {
            add(aTask("a"), aTask("b"));
            List<Lease> leases = claim(2);

            store.commit(worker, List.of(
                    Finish.released(leases.get(0), GrindResult.failure(0.02, "stopped: worker shutting down", null, null)),
                    Finish.released(leases.get(1))), 0);

            assertThat(statusOf("a")).isEqualTo(TaskStatus.PENDING);
            assertThat(runOf("a").attempts()).isZero();
            assertThat(runOf("a").spent()).isEqualTo(0.02);
            assertThat(runOf("b").spent()).isNull();
            assertThat(ledger().spentMicros()).isEqualTo(20_000);
            assertThat(ledger().reservedMicros()).isZero();
        }

        @Test
        void aPromptGrindsTokensAddUpOverItsAttempts() {
            add(aTask("a").maxAttempts(2));
            finish(claimOne("a"), BROKEN.withTokens(100, 20));
            clock.advance(Duration.ofSeconds(2));
            finish(claimOne("a"), OK.withTokens(150, 40));

            assertThat(runOf("a").tokensIn()).isEqualTo(250);
            assertThat(runOf("a").tokensOut()).isEqualTo(60);
        }

        @Test
        void clearStartsTheSpentFigureAgainAndKeepsTheLimit() {
            store.limitSpend(dollars("3"));
            add(aTask("a"), aTask("b"));
            finish(claimOne("a"), OK);
            claimOne("b");

            store.clear();

            assertThat(ledger()).isEqualTo(new SpendLedger(dollars("3"), 0, 0, new TreeMap<>()));
        }

        @Test
        void aQueueLoadedWithItsHistoryBringsItsSpend() {
            add(aTask("a"), aTask("b"));
            store.commit(worker, claim(2).stream().map(lease -> Finish.done(lease, OK)).toList(), 0);
            Snapshot history = store.snapshot();
            store.limitSpend(dollars("7"));
            store.clear();

            store.load(history);

            assertThat(ledger().spentMicros()).isEqualTo(100_000);
            assertThat(ledger().limit()).isEqualTo(dollars("7"));
            assertLedgerAgreesWithTheTasks();
        }

        @Test
        void theLedgerAgreesWithTheTasksWhateverHappensToThem() {
            add(aTask("a").maxAttempts(1), aTask("b").maxBudget(0.3), aTask("c").dependsOn(List.of("a")),
                    aTask("d"), aTask("e").maxBudget(0.2));
            List<Lease> leases = claim(3);
            assertLedgerAgreesWithTheTasks();
            store.commit(worker, List.of(Finish.done(leases.get(0), BROKEN), Finish.done(leases.get(1), HOPELESS)), 1);
            assertLedgerAgreesWithTheTasks();
            store.cancel("d");
            store.retryFailed();
            assertLedgerAgreesWithTheTasks();
            claim(5);
            assertLedgerAgreesWithTheTasks();
        }

        @Test
        void committersInTwoInstancesAtOnceNeverCrossTheCeiling() throws Exception {
            long limit = 1_000_000;
            store.limitSpend(dollars("1.00"));
            int tasks = 40;
            store.add(IntStream.range(0, tasks)
                    .mapToObj(i -> aTask("t" + i).minBudget(0.01).maxBudget(0.10).build()).toList());
            List<TaskStore> instances = List.of(store, secondInstance());
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<List<Long>>> workers = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    TaskStore instance = instances.get(w % 2);
                    WorkerIdentity identity = WorkerIdentity.create();
                    int seed = w;
                    workers.add(threads.submit(() -> {
                        go.await();
                        List<Long> seen = new ArrayList<>();
                        List<Finish> done = List.of();
                        for (int round = 0; ; round++) {
                            CommitResult result = instance.commit(identity, done, 3);
                            SpendLedger now = instance.spend(Optional.empty()).ledger();
                            seen.add(now.spentMicros() + now.reservedMicros());
                            if (result.claimed().isEmpty() && done.isEmpty()) {
                                // Nothing fits now; a reservation settled elsewhere may make room.
                                if (now.reservedMicros() == 0) {
                                    return seen;
                                }
                                Thread.sleep(1);
                            }
                            int r = round + seed;
                            done = result.claimed().stream()
                                    .map(lease -> Finish.done(lease, GrindResult.success(0.01 + (r % 10) * 0.01,
                                            "ok", 0, null)))
                                    .toList();
                        }
                    }));
                }
                go.countDown();
                List<Long> committed = new ArrayList<>();
                for (Future<List<Long>> w : workers) {
                    committed.addAll(w.get(2, TimeUnit.MINUTES));
                }

                assertThat(committed).allSatisfy(total -> assertThat(total).isLessThanOrEqualTo(limit));
                SpendLedger end = ledger();
                assertThat(end.reservedMicros()).isZero();
                assertThat(end.spentMicros()).isLessThanOrEqualTo(limit);
                // Nothing more fits: each remaining task needs its whole cap.
                assertThat(store.summary().pending() == 0 || end.spentMicros() + 100_000 > limit).isTrue();
                assertLedgerAgreesWithTheTasks();
            } finally {
                threads.shutdownNow();
            }
        }
    }

    // --- dedup keys (add --key) ---

    @Test
    void aKeyIsHeldWhileItsTaskIsPendingOrRunningAndFreedWhenItEnds() {
        assertThat(store.addDeduplicated(List.of(aTask("a").key("deploy").build())))
                .containsExactly(new TaskKeys.Answer("a", true));
        assertThat(store.addDeduplicated(List.of(aTask("b").key("deploy").build(), aTask("c").build())))
                .containsExactly(new TaskKeys.Answer("a", false), new TaskKeys.Answer("c", true));
        assertThat(store.addDeduplicated(List.of(aTask("a").key("deploy").build())))
                .as("the same id and key again: the task that holds it answers, no duplicate error")
                .containsExactly(new TaskKeys.Answer("a", false));
        store.add(List.of(aTask("d").key("deploy").build()));
        assertThat(store.snapshot().tasks()).extracting(Task::id).containsExactly("a", "c");
        assertThat(store.find("a").orElseThrow().task().key()).isEqualTo("deploy");

        Lease running = claimOne("a");
        assertThat(store.addDeduplicated(List.of(aTask("e").key("deploy").build())))
                .containsExactly(new TaskKeys.Answer("a", false));
        finish(running, OK);
        assertThat(store.addDeduplicated(List.of(aTask("f").key("deploy").build())))
                .as("a completed task no longer holds its key").containsExactly(new TaskKeys.Answer("f", true));
        store.cancel("f");
        assertThat(store.addDeduplicated(List.of(aTask("g").key("deploy").build(), aTask("h").key("deploy").build())))
                .as("one batch naming a key twice adds the first")
                .containsExactly(new TaskKeys.Answer("g", true), new TaskKeys.Answer("g", false));
    }

    // --- prune ---

    @Test
    void pruneRemovesFinishedTasksThatNothingUnfinishedDependsOnAndKeepsWhatTheySpent() {
        add(aTask("base"), aTask("done"), aTask("dropped"), aTask("chain").dependsOn(List.of("done")),
                aTask("child").dependsOn(List.of("base")));
        finish(claimOne("base"), OK);
        finish(claimOne("done"), OK);
        store.cancel("dropped");
        finish(claimOne("chain"), OK);
        long spentBefore = store.spend(Optional.empty()).ledger().spentMicros();
        clock.advance(Duration.ofHours(2));
        add(aTask("fresh"));
        List<Lease> running = claim(2);
        assertThat(running).extracting(Lease::taskId).containsExactly("child", "fresh");
        finish(running.get(1), OK);   // child stays running: unfinished, it keeps base

        assertThat(store.prune(java.util.Set.of(TaskStatus.COMPLETED), clock.instant().minus(Duration.ofHours(1))))
                .as("base stays for its running dependent; fresh ended too recently; dropped is cancelled")
                .containsExactly("done", "chain");
        assertThat(store.snapshot().tasks()).extracting(Task::id).containsExactly("base", "dropped", "child", "fresh");
        assertThat(store.find("done")).isEmpty();
        assertThat(store.spend(Optional.empty()).ledger().spentMicros()).as("what the pruned tasks spent stays")
                .isEqualTo(spentBefore + Money.micros(OK.budgetUsed()));
        assertThat(secondInstance().snapshot().tasks()).extracting(Task::id)
                .as("another instance reads the prune").containsExactly("base", "dropped", "child", "fresh");

        assertThat(store.prune(java.util.Set.of(TaskStatus.CANCELLED, TaskStatus.COMPLETED), null))
                .containsExactly("dropped", "fresh");
        assertThatThrownBy(() -> store.prune(java.util.Set.of(TaskStatus.PENDING), null))
                .isInstanceOf(InvalidTaskException.class).hasMessageContaining("pending");
        assertThat(store.summary().totalTasks()).isEqualTo(2);
    }
}
