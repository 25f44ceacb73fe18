package io.vivarium.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.MutableClock;
import io.vivarium.task.GrindResult;
import io.vivarium.task.RetryPolicy;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every {@link TaskStore} promises, written once and run against each store: the fixtures and helpers of the
 * contract, whose parts ({@link QueueContract}, {@link ClaimsContract}, {@link RecoveryContract},
 * {@link UserIntentsContract}, {@link SpendContract}) extend this. A store's contract test runs each part in a nested
 * class that says how to open its store on fresh data, how to open a second instance on the same data, and how to
 * start another owner of claims that can die. Everything else goes through the {@code TaskStore} interface only.
 *
 * <p>Time is a {@link MutableClock} the tests move by hand: leases, heartbeats and backoff are tested without
 * sleeping, so a store must take "now" from the clock it is given, not from its database. The only real waits are
 * the bounded ones of {@link TaskStore#awaitChange}.
 *
 * <p>A store joins with a test class whose name ends in {@code Test}, one nested class per part; for a database
 * store, roughly:
 * <pre>{@code
 * @Nested class Claims extends ClaimsContract {
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

    protected static List<String> ids(List<Lease> leases) {
        return leases.stream().map(Lease::taskId).toList();
    }
}
