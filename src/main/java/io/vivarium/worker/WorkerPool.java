package io.vivarium.worker;

import io.vivarium.grind.GrindControl;
import io.vivarium.grind.GrindRunner;
import io.vivarium.grind.GrindRequest;
import io.vivarium.store.CommitResult;
import io.vivarium.store.Finish;
import io.vivarium.store.Lease;
import io.vivarium.store.Snapshot;
import io.vivarium.store.TaskStore;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import io.vivarium.task.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * (group commit). Worker threads only run grinds. Two periodic jobs keep claims honest: {@link #renewHeartbeats}
 * and {@link #reapStaleClaims}.
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
    private final StaleClaimReaper reaper;
    private final ChangeWatcher watcher;
    private final ConcurrentLinkedQueue<Finish> finished = new ConcurrentLinkedQueue<>();
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledExecutorService chores;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Prefetch prefetch;

    private volatile boolean stopClaiming;
    private volatile boolean releaseRunning;
    private volatile Thread dispatcher;
    private volatile RuntimeException fatal;
    private volatile boolean stoppedAtSpendLimit;
    /** The dispatcher's own: see {@link #recurringTasks}. */
    private int recurringCountedAt = -1;
    private int recurring;

    private record Running(Lease lease, GrindControl control) {
    }

    /** A claimed task waiting for a worker thread, and when it was claimed. */
    private record Ready(Lease lease, long claimedNanos) {
    }

    public WorkerPool(TaskStore store, GrindRunner engine, WorkerSettings settings, Clock clock, PoolListener listener) {
        this.store = store;
        this.engine = engine;
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
        this.chores = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "vivarium-chores"));
        this.prefetch = new Prefetch(settings.workers(), settings.maxPrefetch());
        this.reaper = new StaleClaimReaper(store);
        this.watcher = new ChangeWatcher(store, 0, this::wakeDispatcher);
    }

    public WorkerIdentity identity() {
        return identity;
    }

    public void start() {
        // The periodic jobs go first: a dispatcher that fails at once (a read-only workspace) shuts them down.
        long beat = settings.heartbeatInterval().toMillis();
        chores.scheduleWithFixedDelay(this::renewHeartbeats, beat, beat, TimeUnit.MILLISECONDS);
        long reap = settings.reapInterval().toMillis();
        chores.scheduleWithFixedDelay(this::reapStaleClaims, 0, reap, TimeUnit.MILLISECONDS);
        for (int i = 0; i < settings.workers(); i++) {
            Thread worker = daemon(this::workLoop, "vivarium-worker-" + i);
            threads.add(worker);
            worker.start();
        }
        Thread watching = daemon(watcher, "vivarium-watcher");
        threads.add(watching);
        watching.start();
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
            running.put(lease.taskId(), new Running(lease, control));
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
        int inFlight = 0;
        int claimedTotal = 0;
        long seenVersion = 0;
        boolean committedOnce = false;
        Optional<Instant> backoffEnd = Optional.empty();
        // Tasks the last commit could have run but had no room for: free room is then reason enough to commit.
        boolean runnableLeft = false;
        List<Finish> batch = new ArrayList<>();
        try {
            while (true) {
                drainInto(batch);
                boolean stopping = stopClaiming;
                if (stopping) {
                    List<Ready> queued = new ArrayList<>();
                    ready.drainTo(queued);
                    queued.forEach(r -> batch.add(Finish.released(r.lease())));
                }
                int afterBatch = inFlight - batch.size();
                int want = stopping ? 0 : Math.max(0, settings.workers() + prefetch.size() - afterBatch);
                if (settings.maxTasks() > 0) {
                    want = Math.min(want, settings.maxTasks() - claimedTotal);
                }
                boolean backoffDue = backoffEnd.map(end -> !end.isAfter(clock.instant())).orElse(false);
                boolean news = !committedOnce || backoffDue || runnableLeft || watcher.latest() != seenVersion;
                if (batch.isEmpty() && (want == 0 || !news)) {
                    if (afterBatch == 0 && (stopping || limitReached(claimedTotal))) {
                        return;
                    }
                    LockSupport.parkNanos(this, idleWait(backoffEnd).toNanos());
                    continue;
                }
                CommitResult result;
                long commitStart = System.nanoTime();
                try {
                    result = store.commit(identity, batch, want);
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
                inFlight = afterBatch;
                batch.clear();
                result.lost().forEach(listener::lost);
                long claimedNanos = System.nanoTime();
                for (Lease lease : result.claimed()) {
                    inFlight++;
                    claimedTotal++;
                    ready.add(new Ready(lease, claimedNanos));
                }
                committedOnce = true;
                seenVersion = result.version();
                runnableLeft = result.runnableLeft();
                backoffEnd = result.nextBackoffEnd();
                listener.committed(result);
                if (inFlight == 0 && (stopping || limitReached(claimedTotal) || settledForBatch(result)
                        || stalledOnBudget(result))) {
                    return;
                }
            }
        } finally {
            stopWorkers();
        }
    }

    /**
     * A batch run ends when nothing is pending or running anywhere, not just here; or when nothing runs anywhere and
     * the tasks left wait for their time (run_at, a next occurrence), not for a retry: a batch runs what is due and
     * what falls due while it runs. With {@code waitForScheduled} it waits for those too, until every task that does
     * not recur has finished.
     */
    private boolean settledForBatch(CommitResult result) {
        if (!settings.stopWhenIdle() || !result.claimed().isEmpty() || result.runnableLeft()) {
            return false;
        }
        Summary summary = store.summary();
        if (summary.isSettled()) {
            return true;
        }
        if (summary.inProgress() > 0 || result.retriesWaiting() || result.nextBackoffEnd().isEmpty()) {
            return false;
        }
        if (!settings.waitForScheduled()) {
            return true;
        }
        // More pending than there are recurring tasks: one that does not recur is among them, no need to look.
        if (summary.pending() > recurringTasks(summary.totalTasks())) {
            return false;
        }
        Snapshot snapshot = store.snapshot();
        return snapshot.tasks().stream().noneMatch(t -> !t.recurring()
                && snapshot.statusOf(t.id()) == TaskStatus.PENDING);
    }

    /** How many recurring tasks the queue holds, counted again only when the queue's size changed. */
    private int recurringTasks(int total) {
        if (recurringCountedAt != total) {
            recurring = (int) store.snapshot().tasks().stream().filter(Task::recurring).count();
            recurringCountedAt = total;
        }
        return recurring;
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

    /** Asleep until the watcher, a finishing grind or a backoff's end wakes the dispatcher; rechecked now and then. */
    private Duration idleWait(Optional<Instant> backoffEnd) {
        Duration wait = settings.idleRecheck();
        if (backoffEnd.isPresent()) {
            Duration untilBackoff = Duration.between(clock.instant(), backoffEnd.get());
            if (untilBackoff.compareTo(wait) < 0) {
                wait = untilBackoff.isNegative() ? Duration.ZERO : untilBackoff;
            }
        }
        return wait;
    }

    private boolean limitReached(int claimedTotal) {
        return settings.maxTasks() > 0 && claimedTotal >= settings.maxTasks();
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
        chores.shutdownNow();
        watcher.stop();
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

    // --- periodic jobs ---

    /** Renews every running claim; a claim found lost stops its grind at once, before anyone else starts one. */
    private void renewHeartbeats() {
        try {
            List<Lease> leases = running.values().stream().map(Running::lease).toList();
            if (leases.isEmpty()) {
                return;
            }
            for (Lease lost : store.renew(leases)) {
                Running r = running.get(lost.taskId());
                if (r != null && r.lease().equals(lost)) {
                    r.control().stop("claim lost (taken over, cancelled or removed)");
                }
            }
        } catch (RuntimeException e) {
            listener.failed(e);
        }
    }

    /** Ends claims of dead or hung workers anywhere in the store, so their tasks run again. */
    private void reapStaleClaims() {
        if (stopClaiming) {
            return;
        }
        try {
            reaper.reap().forEach(t -> {
                listener.tookOver(t);
                wakeDispatcher();
            });
        } catch (RuntimeException e) {
            listener.failed(e);
        }
    }

    private static Thread daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}
