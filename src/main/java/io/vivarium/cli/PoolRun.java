package io.vivarium.cli;

import io.vivarium.grind.GrindRunner;
import io.vivarium.spend.SpendLimit;
import io.vivarium.spend.SpendStatus;
import io.vivarium.store.Lease;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.Takeover;
import io.vivarium.store.TaskStore;
import io.vivarium.task.GrindResult;
import io.vivarium.worker.PoolListener;
import io.vivarium.worker.WorkerPool;
import io.vivarium.worker.WorkerSettings;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a worker pool in the foreground for {@code start} and {@code worker run}: live progress, SIGTERM and Ctrl-C
 * release every claim before the JVM exits.
 */
final class PoolRun {

    private final TaskStore store;
    private final WorkerPool pool;
    private final Duration grace;
    private final Duration lease;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Counters counters = new Counters();
    private final boolean interactive = System.console() != null;
    private final ProgressLine progress;
    private final Optional<SpendLimit> spendLimit;
    private final PauseNotices pauses = new PauseNotices();

    PoolRun(WorkspaceOption workspace, Clock clock, PoolOptions options, Function<TaskStore, GrindRunner> grinds,
            int workers, int maxTasks,
            PrintWriter out, PrintWriter err) {
        this(workspace, clock, options, grinds, workers, maxTasks, false, out, err);
    }

    /** {@code waitForScheduled}: {@code start --wait}, see {@link WorkerSettings#waitForScheduled()}. */
    PoolRun(WorkspaceOption workspace, Clock clock, PoolOptions options, Function<TaskStore, GrindRunner> grinds,
            int workers, int maxTasks, boolean waitForScheduled, PrintWriter out, PrintWriter err) {
        StoreSettings storeSettings = options.storeSettings();
        this.store = workspace.openStore(clock, storeSettings);
        this.lease = storeSettings.lease();
        WorkerSettings settings = WorkerSettings.batch(workers, storeSettings.heartbeatInterval())
                .withMaxTasks(maxTasks).waitingForScheduled(waitForScheduled);
        this.pool = new WorkerPool(store, grinds.apply(store), settings, clock, counters);
        this.grace = options.grace();
        this.spendLimit = storeSettings.spendLimit();
        this.progress = new ProgressLine(clock);
        this.out = out;
        this.err = err;
    }

    TaskStore store() {
        return store;
    }

    Duration lease() {
        return lease;
    }

    WorkerPool pool() {
        return pool;
    }

    Counters counters() {
        return counters;
    }

    /** Runs until the pool stops by itself; a signal meanwhile releases the claims (see {@link #stopOnSignal}). */
    void run() throws InterruptedException {
        store.summary(); // a corrupt workspace or an unreachable database fails here, before any worker starts
        Thread hook = new Thread(this::stopOnSignal, "vivarium-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        pool.start();
        pauses.check(store, out, false);
        while (!pool.await(Duration.ofMillis(interactive ? 200 : 1000))) {
            pauses.check(store, out, interactive);
            if (interactive) {
                out.print("\r" + progressLine());
                out.flush();
            }
        }
        if (interactive) {
            out.print("\r" + progressLine() + "\n");
        }
        out.flush();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running and will finish the release
        }
        pool.failure().ifPresent(e -> {
            throw e;
        });
    }

    private void stopOnSignal() {
        if (pool.isStopped()) {
            return;
        }
        int running = pool.runningCount();
        err.println();
        err.printf("vivarium: stopping %s: %d running grind%s get %s s to finish, then every claim is released%n",
                pool.identity().workerId(), running, running == 1 ? "" : "s", grace.toMillis() / 1000.0);
        err.flush();
        try {
            pool.shutdown(grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        err.println("vivarium: stopped; claims released");
        err.flush();
    }

    String progressLine() {
        return pool.lastSummary().map(s -> progress.render(s, pool.runningCount(), spend())).orElse("starting…");
    }

    /** The spend as this run sees it, its own limit included; null while the store cannot be read. */
    SpendStatus spend() {
        try {
            return store.spend(spendLimit);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    Optional<SpendLimit> spendLimit() {
        return spendLimit;
    }

    /** What this process's workers did, for the closing line of {@code worker run}. */
    static final class Counters implements PoolListener {
        final AtomicInteger completed = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger lost = new AtomicInteger();
        final AtomicInteger takeovers = new AtomicInteger();

        @Override
        public void finished(Lease lease, GrindResult result, Duration took) {
            (result.succeeded() ? completed : failed).incrementAndGet();
        }

        @Override
        public void lost(Lease lease) {
            lost.incrementAndGet();
        }

        @Override
        public void tookOver(Takeover takeover) {
            takeovers.incrementAndGet();
        }
    }
}
