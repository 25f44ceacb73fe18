package io.vivarium.worker;

import io.vivarium.grind.GrindControl;
import io.vivarium.grind.GrindRunner;
import io.vivarium.grind.GrindRequest;
import io.vivarium.store.CommitResult;
import io.vivarium.store.Finish;
import io.vivarium.store.Lease;
import io.vivarium.store.TaskStore;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Summary;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A pool of workers over one store. One dispatcher thread talks to the store: each of its commits records every
 * grind finished since the last one and claims the next tasks, so a busy pool writes once for many state changes
 * (group commit); what it knows between commits is one {@link DispatchState}. Worker threads only run grinds.
 * {@link Chore}s run beside them: {@link HeartbeatRenewal} and {@link Reaping} keep claims honest, the
 * {@link ChangeWatcher} wakes the dispatcher on news.
 */
public final class WorkerPool {

    private static final String SHUTDOWN = "worker shutting down";
    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);

    private final TaskStore store;
    private final GrindRunner engine;
    private final WorkerSettings settings;
    private final Clock clock;
    private final PoolListener listener;
    private final WorkerIdentity identity = WorkerIdentity.create();

    private final LinkedBlockingQueue<Ready> ready = new LinkedBlockingQueue<>();
    private final ChangeWatcher watcher;
    /** The jobs beside the dispatcher, started in this order; see {@link Chore}. */
    private final List<Chore> chores;
    private final ConcurrentLinkedQueue<Finish> finished = new ConcurrentLinkedQueue<>();
    private final Map<String, RunningGrind> running = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledExecutorService choreThread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Prefetch prefetch;

    private volatile boolean stopClaiming;
    private volatile boolean releaseRunning;
    private volatile Thread dispatcher;
    private volatile RuntimeException fatal;
    private volatile boolean stoppedAtSpendLimit;

    /** A claimed task waiting for a worker thread, and when it was claimed. */
    private record Ready(Lease lease, long claimedNanos) {
    }

    public WorkerPool(TaskStore store, GrindRunner engine, WorkerSettings settings, Clock clock, PoolListener listener) {
        this.store = store;
        this.engine = engine;
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
        this.choreThread = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "vivarium-chores"));
        this.prefetch = new Prefetch(settings.workers(), settings.maxPrefetch());
        this.watcher = new ChangeWatcher(store, 0, this::wakeDispatcher);
        this.chores = List.of(
                new HeartbeatRenewal(store, settings.heartbeatInterval(), running, listener),
                new Reaping(new StaleClaimReaper(store), settings.reapInterval(), () -> stopClaiming, listener,
                        this::wakeDispatcher),
                watcher);
    }

    public WorkerIdentity identity() {
        return identity;
    }

    public void start() {
        // The chores go first: a dispatcher that fails at once (a read-only workspace) stops them.
        chores.forEach(chore -> chore.start(choreThread));
        for (int i = 0; i < settings.workers(); i++) {
            Thread worker = daemon(this::workLoop, "vivarium-worker-" + i);
            threads.add(worker);
            worker.start();
        }
        dispatcher = daemon(this::dispatchLoop, "vivarium-dispatcher");
        dispatcher.start();
    }

    /** Waits until the pool stops by itself (batch mode) or is shut down; true if it stopped in time. */
    public boolean await(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void await() throws InterruptedException {
        stopped.await();
    }

    public boolean isStopped() {
        return stopped.getCount() == 0;
    }

    /** The queue's state now, as the store counts it; empty while the store cannot be read. */
    public Optional<Summary> lastSummary() {
        try {
            return Optional.of(store.summary());
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    public int runningCount() {
        return running.size();
    }

    /** Whether a batch run stopped because the tasks left wait for budget (see {@link #stalledOnBudget}). */
    public boolean stoppedAtSpendLimit() {
        return stoppedAtSpendLimit;
    }

    /** Set when the pool stopped because the store failed (a corrupt file, say). */
    public Optional<RuntimeException> failure() {
        return Optional.ofNullable(fatal);
    }

    /**
     * Stops claiming, lets running grinds finish for up to {@code grace}, then stops the rest and gives their
     * tasks back (the attempt does not count), and releases every claim before returning.
     */
    public void shutdown(Duration grace) throws InterruptedException {
        stopClaiming = true;
        wakeDispatcher();
        long deadline = System.nanoTime() + grace.toNanos();
        while (!running.isEmpty() && System.nanoTime() < deadline && !isStopped()) {
            Thread.sleep(10);
        }
        releaseRunning = true;
        running.values().forEach(r -> r.control().stop(SHUTDOWN));
        wakeDispatcher();
        if (!stopped.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("worker pool did not stop within 30 s of shutdown");
        }
    }

    // --- worker threads: run grinds, hand results to the dispatcher ---

    private void workLoop() {
        while (true) {
            Ready next;
            try {
                next = ready.take();
            } catch (InterruptedException e) {
                return;
            }
            Lease lease = next.lease();
            if (releaseRunning || stopClaiming) {
                finish(Finish.released(lease));
                continue;
            }
            long startedAt = System.nanoTime();
            GrindControl control = new GrindControl((pid, start) -> store.recordGrind(lease, pid, start));
            running.put(lease.taskId(), new RunningGrind(lease, control));
            GrindResult result;
            // A claim lost while it waited here (removed by hand, cancelled) must not start a second run. One claimed
            // within the last heartbeat is as fresh as a renewal would make it: the heartbeat renewer checks it soon
            // enough, as it does every running grind, and a store round trip per task is saved.
            boolean waited = System.nanoTime() - next.claimedNanos() > settings.heartbeatInterval().toNanos();
            if (waited && !store.renew(List.of(lease)).isEmpty()) {
                control.stop("claim lost before start");
                result = GrindResult.failure(0, "claim lost before start", null, null);
            } else {
                listener.started(lease);
                result = runGrind(lease, control);
            }
            long took = System.nanoTime() - startedAt;
            running.remove(lease.taskId());
            if (SHUTDOWN.equals(control.stopReason())) {
                // Given back, and charged what the stopped grind had cost.
                finish(Finish.released(lease, result));
            } else {
                listener.finished(lease, result, Duration.ofNanos(took));
                finish(Finish.done(lease, result));
            }
        }
    }

    private GrindResult runGrind(Lease lease, GrindControl control) {
        long start = System.nanoTime();
        try {
            return engine.run(GrindRequest.of(lease.task()), control);
        } catch (RuntimeException e) {
            return GrindResult.failure(0, "internal error: " + e, null, null);
        } finally {
            prefetch.grindTook(System.nanoTime() - start);
        }
    }

    private void finish(Finish finish) {
        finished.add(finish);
        wakeDispatcher();
    }

    // --- the dispatcher: the only thread that commits ---

    private void dispatchLoop() {
        DispatchState state = new DispatchState(settings);
        try {
            while (true) {
                drainInto(state.batch);
                boolean stopping = stopClaiming;
                if (stopping) {
                    List<Ready> queued = new ArrayList<>();
                    ready.drainTo(queued);
                    queued.forEach(r -> state.batch.add(Finish.released(r.lease())));
                }
                int want = state.wanted(stopping, prefetch.size());
                if (state.batch.isEmpty() && (want == 0 || !state.hasNews(clock.instant(), watcher.latest()))) {
                    if (state.heldAfterBatch() == 0 && (stopping || state.limitReached())) {
                        return;
                    }
                    LockSupport.parkNanos(this, state.idleWait(clock.instant()).toNanos());
                    continue;
                }
                CommitResult result;
                long commitStart = System.nanoTime();
                try {
                    result = store.commit(identity, state.batch, want);
                } catch (RuntimeException e) {
                    listener.failed(e);
                    if (settings.stopWhenIdle()) {
                        fatal = e;
                        releaseAfterFailure();
                        return;
                    }
                    LockSupport.parkNanos(this, ERROR_BACKOFF.toNanos());
                    continue;
                }
                prefetch.commitTook(System.nanoTime() - commitStart);
                state.committed(result);
                result.lost().forEach(listener::lost);
                long claimedNanos = System.nanoTime();
                result.claimed().forEach(lease -> ready.add(new Ready(lease, claimedNanos)));
                listener.committed(result);
                if (state.holdsNothing() && (stopping || state.limitReached() || settledForBatch(result)
                        || stalledOnBudget(result))) {
                    return;
                }
            }
        } finally {
            stopWorkers();
        }
    }

    /** A batch run ends when nothing is pending or running anywhere, not just here. */
    private boolean settledForBatch(CommitResult result) {
        return settings.stopWhenIdle() && result.claimed().isEmpty() && !result.runnableLeft()
                && store.summary().isSettled();
    }

    /**
     * A batch run also ends when the only tasks left to run wait for budget and nothing runs anywhere whose settling
     * could make room: only a higher limit would help, and waiting for one is a server's job, not a batch's.
     */
    private boolean stalledOnBudget(CommitResult result) {
        if (settings.stopWhenIdle() && result.claimed().isEmpty() && !result.runnableLeft()
                && result.waitingForBudget() && result.nextBackoffEnd().isEmpty()
                && store.summary().inProgress() == 0) {
            stoppedAtSpendLimit = true;
            return true;
        }
        return false;
    }

    private void releaseAfterFailure() {
        stopClaiming = true;
        releaseRunning = true;
        running.values().forEach(r -> r.control().stop(SHUTDOWN));
    }

    private void drainInto(List<Finish> batch) {
        Finish f;
        while ((f = finished.poll()) != null) {
            batch.add(f);
        }
    }

    private void stopWorkers() {
        choreThread.shutdownNow();
        chores.forEach(Chore::stop);
        // Every grind has ended by now (or is being stopped after a store failure): the threads wait in take().
        threads.forEach(Thread::interrupt);
        stopped.countDown();
    }

    private void wakeDispatcher() {
        Thread d = dispatcher;
        if (d != null) {
            LockSupport.unpark(d);
        }
    }

    private static Thread daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}
