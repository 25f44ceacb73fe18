package io.vivarium.store.file;

import io.vivarium.spend.SpendChange;
import io.vivarium.spend.SpendLedger;
import io.vivarium.spend.SpendLimit;
import io.vivarium.spend.SpendStatus;
import io.vivarium.store.Claim;
import io.vivarium.store.CommitResult;
import io.vivarium.store.DuplicateTaskException;
import io.vivarium.store.Finish;
import io.vivarium.store.Lease;
import io.vivarium.store.Loading;
import io.vivarium.store.Snapshot;
import io.vivarium.store.StaleClaim;
import io.vivarium.store.StoreException;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.Takeover;
import io.vivarium.store.TaskEntry;
import io.vivarium.store.TaskPage;
import io.vivarium.store.TaskQuery;
import io.vivarium.store.TaskStore;
import io.vivarium.store.UnknownTaskException;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.store.file.ClaimLocks.HeldClaim;
import io.vivarium.store.file.ClaimLocks.Inspection;
import io.vivarium.task.DependencyGraph;
import io.vivarium.task.Scheduling;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The embedded store: a workspace directory of plain files. Every change is a read-modify-write under the
 * workspace lock that lands by atomic rename, so no reader sees a torn file and no writer loses another's update.
 * Claim files are created, checked and removed under the same lock, which is what lets a takeover, a cancel and an
 * owner's own finish agree on who holds a task.
 */
public final class FileTaskStore implements TaskStore {

    private final WorkspacePaths paths;
    private final Clock clock;
    private final StoreSettings settings;
    private final WorkspaceLock lock;
    private final JsonFile<QueueDocument> queue;
    private final JsonFile<ExecutionLog> log;
    private final ClaimFiles claimFiles;
    private final ClaimLocks claimLocks = new ClaimLocks();
    private static final long POLL_MILLIS = 5;
    /** In-progress tasks seen without a claim file, and since when; see {@link StoreSettings#missingClaimGrace()}. */
    private final Map<String, Instant> missingClaimSince = new ConcurrentHashMap<>();

    public FileTaskStore(Path workspace, Clock clock) {
        this(workspace, clock, StoreSettings.defaults());
    }

    public FileTaskStore(Path workspace, Clock clock, StoreSettings settings) {
        if (!Files.isDirectory(workspace)) {
            throw new StoreException("workspace " + workspace.toAbsolutePath().normalize() + " is not a directory");
        }
        this.paths = WorkspacePaths.of(workspace);
        this.clock = clock;
        this.settings = settings;
        this.lock = WorkspaceLock.of(paths.storeLock());
        this.queue = new JsonFile<>(paths.queue(), QueueDocument.class, QueueDocument::empty);
        this.log = new JsonFile<>(paths.log(), ExecutionLog.class, ExecutionLog::empty);
        this.claimFiles = new ClaimFiles(paths);
    }

    public WorkspacePaths paths() {
        return paths;
    }

    public StoreSettings settings() {
        return settings;
    }

    // --- reading ---

    @Override
    public Summary summary() {
        return snapshot().summary();
    }

    @Override
    public Optional<TaskEntry> find(String id) {
        return snapshot().entry(id);
    }

    @Override
    public TaskPage query(TaskQuery query) {
        return snapshot().query(query);
    }

    @Override
    public Snapshot snapshot() {
        QueueDocument q = queue.read();
        ExecutionLog l = log.read();
        return new Snapshot(q.tasks(), l.runsOver(q));
    }

    @Override
    public List<Claim> claims() {
        List<Claim> claims = new ArrayList<>();
        for (Path file : claimFiles.list()) {
            claimLocks.readRecord(file).ifPresent(claims::add);
        }
        return claims;
    }

    // --- waiting for change ---

    /** Two {@code stat}s and two 256-byte reads: cheap enough to poll every few milliseconds. */
    @Override
    public long version() {
        return version(queue.currentIdentity(), log.currentIdentity());
    }

    @Override
    public long awaitChange(long seen, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long now = version();
        while (now == seen && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            now = version();
        }
        return now;
    }

    private static long version(Object queueIdentity, Object logIdentity) {
        long q = JsonFile.versionOf(queueIdentity);
        long l = JsonFile.versionOf(logIdentity);
        boolean revisions = q >= 0 && l >= 0 && q < (1L << 31) && l < (1L << 32);
        return revisions ? (q << 32) | l : 31 * q + l;
    }

    // --- definitions ---

    @Override
    public void add(List<Task> tasks) {
        if (tasks.isEmpty()) {
            return;
        }
        lock.runExclusive(() -> {
            QueueDocument q = queue.read();
            ExecutionLog l = log.read();
            // Stamped under the lock, just before the write: created_at is when the task entered the queue.
            Instant now = clock.instant();
            List<Task> stamped = tasks.stream()
                    .map(t -> t.createdAt() != null ? t : t.toBuilder().createdAt(now).build())
                    .toList();
            Set<String> ids = new HashSet<>();
            q.tasks().forEach(t -> ids.add(t.id()));
            for (Task task : stamped) {
                if (!ids.add(task.id())) {
                    throw new DuplicateTaskException(task.id());
                }
            }
            DependencyGraph.checkAppend(q.tasks(), stamped);
            QueueDocument appended = q.append(stamped);
            queue.write(appended);
            log.write(l.summarizedOver(appended));
        });
    }

    @Override
    public ClearResult clear() {
        ensureLocksDirectory();
        return lock.callExclusive(() -> {
            // Both are read first so that a corrupt file stops the clear before anything is changed.
            QueueDocument q = queue.read();
            ExecutionLog l = log.read();
            QueueDocument emptied = q.cleared();
            queue.write(emptied);
            log.write(l.cleared(emptied).withSpend(l.spend().orElse(SpendLedger.empty()).cleared()));
            int claims = claimFiles.deleteAll();
            return new ClearResult(q.tasks().size(), claims);
        });
    }

    @Override
    public void load(Snapshot snapshot) {
        Loading.check(snapshot);
        lock.runExclusive(() -> {
            QueueDocument q = queue.read();
            ExecutionLog l = log.read();
            if (!q.tasks().isEmpty()) {
                throw new StoreException(paths.queue() + " already holds " + q.tasks().size()
                        + " tasks: clear it first, or choose another workspace");
            }
            QueueDocument loaded = q.withTasks(snapshot.tasks());
            queue.write(loaded);
            SpendLedger history = SpendLedger.of(snapshot.tasks(), snapshot.runs()::get, clock.instant())
                    .withLimit(l.spend().flatMap(SpendLedger::limit));
            log.write(l.with(snapshot.runs(), loaded).withSpend(history));
        });
    }

    // --- worker lifecycle ---

    @Override
    public CommitResult commit(WorkerIdentity worker, List<Finish> finished, int maxClaims) {
        ensureLocksDirectory();
        return lock.callExclusive(() -> {
            Change change = new Change();
            List<Lease> lost = new ArrayList<>();
            Set<String> finishedHere = new HashSet<>();
            for (Finish finish : finished) {
                Optional<HeldClaim> held = heldFor(finish.lease());
                String id = finish.lease().taskId();
                TaskRun run = change.runs.get(id);
                Task task = change.tasks.get(id);
                if (held.isEmpty() || task == null || run == null || run.status() != TaskStatus.IN_PROGRESS
                        || !Objects.equals(run.workerId(), worker.workerId()) || !claimLocks.owns(held.get())) {
                    lost.add(finish.lease());
                    held.ifPresent(claimLocks::forget);
                    continue;
                }
                change.put(id, afterFinish(task, run, finish, change.now));
                finishedHere.add(id);
                // Only after the log says the task is finished may its claim go: a crash in between leaves a dead
                // claim on a finished task, which is harmless, never a finished task that looks unclaimed.
                change.afterWrite(() -> claimLocks.release(held.get()));
            }
            blockUnrunnable(change);
            List<Lease> claimed = new ArrayList<>();
            int runnableLeft = 0;
            boolean waitingForBudget = false;
            for (Task task : Scheduling.runnable(change.queue.tasks(), change.runs::get, change.now)) {
                // A task finished in this commit still has its claim file until the log has landed: the next
                // commit may take it (a retry with no backoff), so it counts as left, like one there was no room for.
                if (!finishedHere.contains(task.id()) && !change.spend.fits(task, settings.spendLimit())) {
                    waitingForBudget = true;
                } else if (claimed.size() >= maxClaims || finishedHere.contains(task.id())) {
                    runnableLeft++;
                } else {
                    claimOne(task, worker, change).ifPresent(claimed::add);
                }
            }
            change.ifWriteFails(() -> claimed.forEach(lease -> heldFor(lease).ifPresent(claimLocks::release)));
            change.finish();
            // Taken under the lock: the version this commit leaves behind, so that a write by anyone after it
            // (another thread of this JVM included) shows as news.
            long version = version(queue.lastIdentity(), log.lastIdentity());
            return new CommitResult(claimed, lost, runnableLeft > 0,
                    Scheduling.nextBackoffEnd(change.queue.tasks(), change.runs::get, change.now), version,
                    waitingForBudget);
        });
    }

    @Override
    public List<Lease> renew(List<Lease> leases) {
        List<Lease> lost = new ArrayList<>();
        Instant now = clock.instant();
        for (Lease lease : leases) {
            Optional<HeldClaim> held = heldFor(lease);
            if (held.isEmpty() || !claimLocks.update(held.get(), held.get().record().renewedAt(now))) {
                lost.add(lease);
            }
        }
        return lost;
    }

    @Override
    public boolean recordGrind(Lease lease, long pid, Instant startedAt) {
        Optional<HeldClaim> held = heldFor(lease);
        return held.isPresent() && claimLocks.update(held.get(), held.get().record().withGrind(pid, startedAt));
    }

    private Optional<HeldClaim> heldFor(Lease lease) {
        return claimLocks.heldAt(paths.claimFile(lease.taskId())).filter(held -> held.fence == lease.fence());
    }

    // --- recovery ---

    /** Read without the workspace lock: {@link #abandon} checks every finding again under it. */
    @Override
    public List<StaleClaim> findStaleClaims() {
        if (!Files.isDirectory(paths.locks()) && !Files.exists(paths.log())) {
            return List.of();
        }
        Instant now = clock.instant();
        List<StaleClaim> stale = new ArrayList<>();
        Set<String> claimedIds = new HashSet<>();
        for (Path file : claimFiles.list()) {
            String id = ClaimFiles.taskIdOf(file).orElseThrow();
            claimedIds.add(id);
            Inspection inspection = claimLocks.inspect(file);
            staleReason(inspection, now).ifPresent(reason ->
                    stale.add(new StaleClaim(id, inspection.record(), reason, inspection.fence())));
        }
        Set<String> unclaimed = new HashSet<>();
        snapshot().runs().forEach((id, run) -> {
            if (run.status() != TaskStatus.IN_PROGRESS || claimedIds.contains(id)
                    || claimLocks.heldAt(paths.claimFile(id)).isPresent()) {
                return;
            }
            unclaimed.add(id);
            Instant since = missingClaimSince.computeIfAbsent(id, k -> now);
            if (!since.plus(settings.missingClaimGrace()).isAfter(now)) {
                Claim last = new Claim(id, run.workerId(), 0, null, run.startedAt(), null, null, null);
                stale.add(new StaleClaim(id, last, Takeover.Reason.UNCLAIMED, 0));
            }
        });
        missingClaimSince.keySet().retainAll(unclaimed);
        return stale;
    }

    @Override
    public List<Takeover> abandon(List<StaleClaim> stale) {
        if (stale.isEmpty()) {
            return List.of();
        }
        return change(change -> {
            List<Takeover> takeovers = new ArrayList<>();
            for (StaleClaim claim : stale) {
                Path file = paths.claimFile(claim.taskId());
                if (claim.reason() == Takeover.Reason.UNCLAIMED) {
                    if (Files.exists(file) || claimLocks.heldAt(file).isPresent()) {
                        continue;
                    }
                    missingClaimSince.remove(claim.taskId());
                } else {
                    // Claims are made and released only under this lock, so the claim inspected here stays put
                    // until it is deleted.
                    Inspection now = claimLocks.inspect(file);
                    if (now.fence() != claim.fence() || staleReason(now, change.now).isEmpty()
                            || !claimLocks.deleteIfSame(file, now.fileKey())) {
                        continue;
                    }
                }
                if (requeue(change, claim.taskId(), claim.reason())) {
                    takeovers.add(new Takeover(claim.taskId(), claim.previousWorker(), claim.reason()));
                }
            }
            blockUnrunnable(change);
            return takeovers;
        });
    }

    private Optional<Takeover.Reason> staleReason(Inspection inspection, Instant now) {
        return switch (inspection.state()) {
            case GONE, OURS -> Optional.empty();
            case OWNER_DEAD -> Optional.of(Takeover.Reason.OWNER_DIED);
            case OWNER_ALIVE -> isStale(inspection, now) ? Optional.of(Takeover.Reason.LEASE_EXPIRED) : Optional.empty();
        };
    }

    // --- spend ---

    @Override
    public SpendStatus spend(Optional<SpendLimit> processLimit) {
        QueueDocument q = queue.read();
        ExecutionLog l = log.read();
        Snapshot snapshot = new Snapshot(q.tasks(), l.runsOver(q));
        Instant now = clock.instant();
        SpendLedger ledger = l.spend().orElseGet(() -> SpendLedger.of(snapshot.tasks(), snapshot.runs()::get, now));
        return new SpendStatus(ledger, processLimit,
                ledger.notFitting(Scheduling.runnable(snapshot.tasks(), snapshot.runs()::get, now), processLimit));
    }

    @Override
    public SpendLedger limitSpend(Optional<SpendLimit> limit) {
        return change(change -> {
            change.putSpend(change.spend.withLimit(limit));
            return change.spend;
        });
    }

    // --- user intents ---

    @Override
    public List<String> retry(Collection<String> ids) {
        return retryWhere(ids, false);
    }

    @Override
    public List<String> retryFailed() {
        return retryWhere(List.of(), true);
    }

    private List<String> retryWhere(Collection<String> ids, boolean allFailed) {
        return change(change -> {
            List<String> targets = new ArrayList<>();
            if (allFailed) {
                change.runs.forEach((id, run) -> {
                    if (run.status() == TaskStatus.FAILED && change.tasks.containsKey(id)) {
                        targets.add(id);
                    }
                });
            } else {
                for (String id : ids) {
                    if (!change.tasks.containsKey(id)) {
                        throw new UnknownTaskException(id);
                    }
                    targets.add(id);
                }
            }
            List<String> retried = new ArrayList<>();
            for (String id : targets) {
                TaskRun run = change.runOf(id);
                if (run.status() == TaskStatus.PENDING && run.notBefore() == null) {
                    continue;
                }
                change.put(id, run.status() == TaskStatus.PENDING ? TaskRun.pending() : run.retry(id));
                retried.add(id);
            }
            for (String id : Scheduling.toUnblock(change.queue.tasks(), change.runs::get)) {
                change.put(id, change.runOf(id).retry(id));
                retried.add(id);
            }
            return retried;
        });
    }

    @Override
    public Cancellation cancel(String id) {
        return change(change -> {
            if (!change.tasks.containsKey(id)) {
                throw new UnknownTaskException(id);
            }
            TaskRun run = change.runOf(id);
            TaskRun cancelled = run.cancel(id, change.now, change.tasks.get(id).maxBudget());
            Optional<Claim> ended = run.status() == TaskStatus.IN_PROGRESS
                    ? endClaim(paths.claimFile(id)) : Optional.empty();
            change.put(id, cancelled);
            blockUnrunnable(change);
            return new Cancellation(cancelled, ended);
        });
    }

    @Override
    public void close() {
        // Nothing is held open between calls: claim channels belong to the leases, which their pools release.
    }

    // --- one read-modify-write of the log ---

    /**
     * One unit of work on the log, under the workspace lock: the files as read, the entries being changed, and
     * what to do once the new log has landed (or if it could not be written).
     */
    private final class Change {
        final Instant now = clock.instant();
        final QueueDocument queue = FileTaskStore.this.queue.read();
        final ExecutionLog before = log.read();
        final Map<String, TaskRun> runs = before.runsOver(queue);
        final Map<String, Task> tasks = index(queue);
        /** Moved by every entry put here, in this same write (see {@link SpendChange}). */
        SpendLedger spend = before.spend().orElseGet(() -> SpendLedger.of(queue.tasks(), runs::get, now));
        private final List<Runnable> afterWrite = new ArrayList<>();
        private final List<Runnable> ifWriteFails = new ArrayList<>();
        private boolean changed;

        TaskRun runOf(String id) {
            return runs.getOrDefault(id, TaskRun.pending());
        }

        void put(String id, TaskRun run) {
            Task task = tasks.get(id);
            if (task != null) {
                spend = spend.apply(SpendChange.of(task, runs.get(id), run), now);
            }
            runs.put(id, run);
            changed = true;
        }

        void putSpend(SpendLedger ledger) {
            spend = ledger;
            changed = true;
        }

        void afterWrite(Runnable action) {
            afterWrite.add(action);
        }

        void ifWriteFails(Runnable action) {
            ifWriteFails.add(action);
        }

        void finish() {
            if (changed) {
                try {
                    log.write(before.with(runs, queue).withSpend(spend));
                } catch (RuntimeException e) {
                    ifWriteFails.forEach(Runnable::run);
                    throw e;
                }
            }
            afterWrite.forEach(Runnable::run);
        }
    }

    private <R> R change(Function<Change, R> body) {
        ensureLocksDirectory();
        return lock.callExclusive(() -> {
            Change change = new Change();
            R result = body.apply(change);
            change.finish();
            return result;
        });
    }

    // --- rules applied inside a commit ---

    private TaskRun afterFinish(Task task, TaskRun run, Finish finish, Instant now) {
        String id = task.id();
        if (finish.isRelease()) {
            return run.release(id, finish.result());
        }
        return run.attemptEnded(id, now, finish.result(), task.maxAttempts(), settings.retry());
    }

    private void blockUnrunnable(Change change) {
        Scheduling.toBlock(change.queue.tasks(), change.runs::get)
                .forEach((id, reason) -> change.put(id, change.runOf(id).block(id, change.now, reason)));
    }

    private Optional<Lease> claimOne(Task task, WorkerIdentity worker, Change change) {
        Path file = paths.claimFile(task.id());
        if (Files.exists(file)) {
            // A claim file on a pending task: its owner died between claiming and logging, or it was made by hand.
            Inspection inspection = claimLocks.inspect(file);
            if (inspection.state() != Inspection.State.OWNER_DEAD
                    || !claimLocks.deleteIfSame(file, inspection.fileKey())) {
                return Optional.empty();
            }
        }
        Optional<HeldClaim> held = claimLocks.tryAcquire(file, Claim.of(task.id(), worker, change.now));
        if (held.isEmpty()) {
            return Optional.empty();
        }
        TaskRun claimed = change.runOf(task.id()).claim(task.id(), worker.workerId(), change.now);
        change.put(task.id(), claimed);
        return Optional.of(new Lease(task, claimed.attempts(), worker, held.get().fence));
    }

    private boolean requeue(Change change, String id, Takeover.Reason reason) {
        TaskRun run = change.runs.get(id);
        Task task = change.tasks.get(id);
        if (task == null || run == null || run.status() != TaskStatus.IN_PROGRESS) {
            return false;
        }
        String why = switch (reason) {
            case OWNER_DIED -> "worker " + run.workerId() + " died during attempt " + run.attempts();
            case LEASE_EXPIRED -> "worker " + run.workerId() + " stopped renewing its lease during attempt "
                    + run.attempts();
            case UNCLAIMED -> "claim file of attempt " + run.attempts() + " was removed";
        };
        change.put(id, run.abandon(id, change.now, why, run.attempts() < task.maxAttempts(), task.maxBudget()));
        return true;
    }

    /**
     * Stale when the heartbeat is older than the lease. A heartbeat further in the future than one lease can only
     * come from a skewed clock or a hand edit; the file's mtime (written by this machine's kernel) decides then.
     */
    private boolean isStale(Inspection inspection, Instant now) {
        Instant heartbeat = inspection.record() == null ? null : inspection.record().heartbeatAt();
        if (heartbeat == null || heartbeat.isAfter(now.plus(settings.lease()))) {
            heartbeat = inspection.modified().toInstant();
        }
        return heartbeat.plus(settings.lease()).isBefore(now);
    }

    /** Removes a task's claim file, whoever holds it, and says what it held. */
    private Optional<Claim> endClaim(Path file) {
        Optional<HeldClaim> ours = claimLocks.heldAt(file);
        if (ours.isPresent()) {
            // Forgotten now, not when its worker next renews: a retry may give the task to this JVM at once.
            boolean owned = claimLocks.owns(ours.get());
            claimLocks.release(ours.get());
            if (owned) {
                return Optional.of(ours.get().record());
            }
        }
        Inspection inspection = claimLocks.inspect(file);
        if (inspection.state() != Inspection.State.GONE && claimLocks.deleteIfSame(file, inspection.fileKey())) {
            return Optional.ofNullable(inspection.record());
        }
        return Optional.empty();
    }

    private static Map<String, Task> index(QueueDocument q) {
        Map<String, Task> byId = new HashMap<>(q.tasks().size() * 2);
        q.tasks().forEach(t -> byId.put(t.id(), t));
        return byId;
    }

    private void ensureLocksDirectory() {
        try {
            SafeFiles.createDirectory(paths.locks());
        } catch (IOException e) {
            throw new StoreException("cannot create " + paths.locks() + ": " + e.getMessage(), e);
        }
    }
}
