package io.vivarium.store.file;

import io.vivarium.store.Claim;
import io.vivarium.store.CorruptFileException;
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
import io.vivarium.store.WorkspaceJson;
import io.vivarium.store.file.LeaseFiles.Found;
import io.vivarium.store.file.LeaseFiles.Own;
import io.vivarium.spend.SpendLedger;
import io.vivarium.spend.SpendLimit;
import io.vivarium.spend.SpendStatus;
import io.vivarium.task.DependencyGraph;
import io.vivarium.task.Scheduling;
import io.vivarium.task.StartRule;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import io.vivarium.task.CodeRun;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The embedded store: a workspace directory of plain files.
 *
 * <p>A change is one line appended to {@code task_locks/.journal} and fsynced under the workspace lock; the
 * workspace's state lives in memory in every process and follows the journal, so a commit costs what it changes,
 * not what the queue holds. {@code queue.json} and {@code execution_log.json} are checkpoints: rewritten whole, off
 * the lock, at most about once a second while workers run and at once when they go quiet or stop (see
 * {@link Checkpoints}). Claims live in one lease file per process ({@link LeaseFiles}).
 */
public final class FileTaskStore implements TaskStore {

    /** A commit whose next timed task is due sooner than this leaves the files to the background checkpoint. */
    private static final java.time.Duration BUSY_UNTIL_DUE = java.time.Duration.ofSeconds(1);
    private static final long POLL_MILLIS = 5;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FileTaskStore.class);

    private final WorkspacePaths paths;
    private final Clock clock;
    private final StoreSettings settings;
    private final WorkspaceLock lock;
    private final ClaimFiles claimFiles;
    private final Own own;
    private final JournalledState journalled;
    private final QuickAdd quickAdd;
    /** In-progress tasks seen without a lease, and since when; see {@link StoreSettings#missingClaimGrace()}. */
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
        this.claimFiles = new ClaimFiles(paths);
        WorkerIdentity me = WorkerIdentity.create();
        this.own = new Own(paths.locks(), me.host(), me.pid());
        this.journalled = new JournalledState(paths, clock, lock, own);
        this.quickAdd = new QuickAdd(journalled, clock);
    }

    public WorkspacePaths paths() {
        return paths;
    }

    public StoreSettings settings() {
        return settings;
    }

    // --- reading ---

    /**
     * From memory once this store has read the workspace; before that, from the journal's last record or the log's
     * own summary, when the files are the ones the journal names: {@code status} then reads no task at all.
     */
    @Override
    public Summary summary() {
        return lock.callExclusive(() -> {
            if (!journalled.loaded()) {
                Optional<Summary> recorded = journalled.recordedSummary();
                if (recorded.isPresent()) {
                    return recorded.get();
                }
            }
            return journalled.current().summary();
        });
    }

    @Override
    public Optional<TaskEntry> find(String id) {
        return lock.callExclusive(() -> {
            WorkspaceState s = journalled.current();
            return s.task(id).map(t -> new TaskEntry(t, s.runs().get(id)));
        });
    }

    @Override
    public TaskPage query(TaskQuery query) {
        return lock.callExclusive(() -> {
            WorkspaceState s = journalled.current();
            return query.pageOf(s.tasks(), s.runs()::get);
        });
    }

    @Override
    public Snapshot snapshot() {
        return lock.callExclusive(() -> {
            WorkspaceState s = journalled.current();
            return new Snapshot(s.tasks(), s.runs());
        });
    }

    @Override
    public List<Claim> claims() {
        List<Claim> claims = new ArrayList<>();
        for (Found found : LeaseFiles.scan(claimFiles, own)) {
            found.lines().forEach(line -> claims.add(line.claim()));
        }
        return claims;
    }

    // --- waiting for change ---

    /** The last committed seq; see {@link JournalledState#version()}. */
    @Override
    public long version() {
        return journalled.version();
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

    // --- definitions ---

    @Override
    public void add(List<Task> tasks) {
        if (tasks.isEmpty()) {
            return;
        }
        journalled.ensureLocksDirectory();
        if (lock.callExclusive(() -> !journalled.loaded()) && quickAdd.add(tasks)) {
            return;
        }
        journalled.change(change -> {
            WorkspaceState state = change.state();
            // Stamped under the lock, just before the write: created_at is when the task entered the queue.
            List<Task> stamped = tasks.stream()
                    .map(t -> t.createdAt() != null ? t : t.toBuilder().createdAt(change.now).build())
                    .toList();
            NewTasks.check(state.ids(), stamped);
            change.add(stamped);
            return null;
        });
    }

    /**
     * Always works: a document that cannot be read (it does not parse) is moved aside to {@code NAME.corrupt-<time>},
     * never deleted, and named in the result. A link or an odd file in its place is still refused: renaming it would
     * not make the workspace usable, and it is the user's to look at.
     */
    @Override
    public ClearResult clear() {
        List<String> movedAside = new ArrayList<>();
        while (true) {
            try {
                ClearResult cleared = clearReadable();
                return new ClearResult(cleared.tasksRemoved(), cleared.claimsRemoved(), movedAside);
            } catch (CorruptFileException e) {
                boolean document = paths.queue().equals(e.path()) || paths.log().equals(e.path());
                if (e instanceof UnusableFileException || !document || movedAside.size() >= 2) {
                    throw e;
                }
                movedAside.add(lock.callExclusive(() -> {
                    try {
                        journalled.forget();
                        return CorruptCopies.moveAside(e.path(), clock.instant()).toString();
                    } catch (IOException io) {
                        throw new StoreException(e.getMessage() + "; it could not be moved aside: " + io.getMessage(), io);
                    }
                }));
                log.info("{}; moved it aside to {}", e.getMessage().replaceFirst("; it was left unchanged.*", ""),
                        movedAside.get(movedAside.size() - 1));
            }
        }
    }

    private ClearResult clearReadable() {
        return journalled.change(change -> {
            WorkspaceState state = change.state();
            int tasks = state.tasks().size();
            int claims = 0;
            for (Found found : LeaseFiles.scan(claimFiles, own)) {
                // A file with no readable line (a dead owner's torn file, an odd entry) is still one claim removed.
                claims += Math.max(1, found.lines().size());
            }
            change.clear();
            change.afterWrite(() -> {
                own.dropAll();
                claimFiles.deleteAll();
            });
            return new ClearResult(tasks, claims);
        });
    }

    @Override
    public void load(Snapshot snapshot) {
        Loading.check(snapshot);
        journalled.change(change -> {
            WorkspaceState state = change.state();
            if (!state.tasks().isEmpty()) {
                throw new StoreException(paths.queue() + " already holds " + state.tasks().size()
                        + " tasks: clear it first, or choose another workspace");
            }
            change.add(snapshot.tasks());
            snapshot.runs().forEach(change::put);
            return null;
        });
    }

    // --- worker lifecycle ---

    @Override
    public CommitResult commit(WorkerIdentity worker, List<Finish> finished, int maxClaims) {
        return journalled.change(change -> {
            WorkspaceState state = change.state();
            if (!own.intact()) {
                own.dropAll();
            }
            List<Lease> lost = new ArrayList<>();
            Set<String> finishedHere = new HashSet<>();
            for (Finish finish : finished) {
                Lease lease = finish.lease();
                String id = lease.taskId();
                boolean held = own.get(id).filter(h -> h.fence == lease.fence()).isPresent();
                TaskRun run = state.runs().get(id);
                Optional<Task> task = state.task(id);
                if (held) {
                    own.remove(id);
                    change.leasesChanged = true;
                }
                if (!held || task.isEmpty() || run == null || run.status() != TaskStatus.IN_PROGRESS
                        || !Objects.equals(run.workerId(), worker.workerId())) {
                    lost.add(lease);
                    continue;
                }
                change.put(id, afterFinish(task.get(), run, finish, change.now));
                finishedHere.add(id);
            }
            change.blockUnrunnable();
            List<Lease> claimed = new ArrayList<>();
            boolean more = false;
            boolean waitingForBudget = false;
            Optional<SpendLimit> ceiling = state.spend().ceiling(settings.spendLimit());
            // A task finished in this commit waits for the next one, like one there was no room for.
            List<Task> candidates;
            Set<String> leased = Set.of();
            if (ceiling.isEmpty()) {
                WorkspaceState.Claimable runnable = state.runnable(change.now, maxClaims, finishedHere);
                candidates = runnable.tasks();
                more = runnable.more();
                Set<String> skip = candidates.isEmpty() ? Set.of() : leasedElsewhere(change.now);
                leased = skip;
                if (candidates.stream().anyMatch(t -> skip.contains(t.id()))) {
                    // Taken past the leased ones, so that a task a lease holds never hides one behind it.
                    runnable = state.runnable(change.now, maxClaims + skip.size(), finishedHere);
                    List<Task> free = runnable.tasks().stream().filter(t -> !skip.contains(t.id())).toList();
                    candidates = free.subList(0, Math.min(maxClaims, free.size()));
                    more = free.size() > maxClaims || runnable.more();
                }
            } else {
                // Under a ceiling every runnable task is looked at: one that does not fit must not hide one behind it
                // that does. Each claim reserves at once, so the next task meets the room that is left.
                candidates = state.readyInOrder(change.now);
                leased = candidates.isEmpty() ? Set.of() : leasedElsewhere(change.now);
            }
            Set<String> notFree = leased;
            candidates = candidates.stream().filter(t -> !notFree.contains(t.id())).toList();
            for (Task task : candidates) {
                if (finishedHere.contains(task.id())) {
                    more = true;
                    continue;
                }
                // The indexes found it; the rule has the last word (and the only word on budget).
                StartRule.Verdict verdict = state.check(task, change.now, settings.spendLimit());
                if (verdict.reason() == StartRule.Reason.BUDGET) {
                    waitingForBudget = true;
                    continue;
                }
                if (!verdict.mayStart()) {
                    continue;
                }
                if (claimed.size() >= maxClaims) {
                    more = true;
                    continue;
                }
                TaskRun run = state.runOf(task.id()).claim(task.id(), worker.workerId(), change.now);
                change.put(task.id(), run);
                long fence = own.add(Claim.of(task.id(), worker, change.now));
                change.leasesChanged = true;
                claimed.add(new Lease(task, run.attempts(), worker, fence));
            }
            boolean runnableLeft = more;
            boolean budgetWait = waitingForBudget;
            change.ifWriteFails(() -> claimed.forEach(lease -> own.remove(lease.taskId())));
            Optional<Instant> backoffEnd = state.nextBackoffEnd(change.now);
            // A busy pool leaves the files to the background checkpoint; one going idle makes them exact. A pool whose
            // next task falls due within the second is not idle: writing every file would make that task late.
            change.checkpointAfter = claimed.isEmpty() && !runnableLeft
                    && backoffEnd.map(end -> end.isAfter(change.now.plus(BUSY_UNTIL_DUE))).orElse(true);
            boolean retriesWaiting = state.retriesWaiting(change.now);
            // Read once the change has landed: the version it leaves behind, so that any later write shows as news.
            return (Supplier<CommitResult>) () ->
                    new CommitResult(claimed, lost, runnableLeft, backoffEnd, change.version, budgetWait,
                            retriesWaiting);
        }).get();
    }

    /**
     * Tasks a live lease lists, whatever the documents and the journal say of them: claims are facts of the lease
     * files. A line past its lease is left out (its owner hangs, and a takeover ends its grind), as are this store's
     * own leases, which the state already shows as running.
     */
    private Set<String> leasedElsewhere(Instant now) {
        Set<String> leased = new HashSet<>(own.taskIds());
        for (Found found : LeaseFiles.scan(claimFiles, own)) {
            if (found.state() == Found.State.ALIVE || found.state() == Found.State.SAME_JVM) {
                for (LeaseFiles.Line line : found.lines()) {
                    if (!isStale(line, found, now)) {
                        leased.add(line.taskId());
                    }
                }
            }
        }
        return leased;
    }

    @Override
    public List<Lease> renew(List<Lease> leases) {
        return lock.callExclusive(() -> {
            WorkspaceState s = journalled.current();
            Instant now = clock.instant();
            List<Lease> lost = new ArrayList<>();
            if (!own.intact()) {
                own.dropAll();
            }
            for (Lease lease : leases) {
                Optional<Own.Held> held = own.get(lease.taskId()).filter(h -> h.fence == lease.fence());
                if (held.isEmpty() || !stillRuns(s, lease)) {
                    // Its line stays in the lease file until the grind has stopped and its finish is committed: until
                    // then the task is this process's, and no one else claims it (a retry or an edit may have made it
                    // pending already).
                    lost.add(lease);
                    continue;
                }
                own.update(lease.taskId(), held.get().claim.renewedAt(now));
            }
            own.write();
            return lost;
        });
    }

    @Override
    public boolean recordGrind(Lease lease, long pid, Instant startedAt) {
        return lock.callExclusive(() -> {
            WorkspaceState s = journalled.current();
            Optional<Own.Held> held = own.get(lease.taskId()).filter(h -> h.fence == lease.fence());
            if (held.isEmpty() || !own.intact() || !stillRuns(s, lease)) {
                return false;
            }
            own.update(lease.taskId(), held.get().claim.withGrind(pid, startedAt));
            own.write();
            return true;
        });
    }

    private static boolean stillRuns(WorkspaceState s, Lease lease) {
        TaskRun run = s.runs().get(lease.taskId());
        return run != null && run.status() == TaskStatus.IN_PROGRESS
                && Objects.equals(run.workerId(), lease.worker().workerId());
    }

    // --- recovery ---

    /**
     * Leases of dead processes, leases not renewed within the lease time, and running tasks that no lease file
     * lists. Dead lease files that list nothing running are removed on the way: no task needs taking over.
     */
    @Override
    public List<StaleClaim> findStaleClaims() {
        if (!Files.isDirectory(paths.locks())) {
            return List.of();
        }
        return lock.callExclusive(() -> {
            WorkspaceState s = journalled.current();
            Instant now = clock.instant();
            List<StaleClaim> stale = new ArrayList<>();
            Set<String> listed = new HashSet<>(own.taskIds());
            for (Found found : LeaseFiles.scan(claimFiles, own)) {
                boolean holdsRunning = false;
                for (LeaseFiles.Line line : found.lines()) {
                    listed.add(line.taskId());
                    if (!runsUnder(s, line)) {
                        continue;
                    }
                    holdsRunning = true;
                    staleReason(found, line, now).ifPresent(reason ->
                            stale.add(new StaleClaim(line.taskId(), line.claim(), reason, line.fenceOrZero())));
                }
                if (found.state() == Found.State.DEAD && !holdsRunning) {
                    LeaseFiles.deleteIfSame(found.file(), found.fileKey());
                }
            }
            Set<String> unclaimed = new HashSet<>();
            for (String id : s.inProgress()) {
                if (listed.contains(id)) {
                    continue;
                }
                unclaimed.add(id);
                Instant since = missingClaimSince.computeIfAbsent(id, k -> now);
                if (!since.plus(settings.missingClaimGrace()).isAfter(now)) {
                    TaskRun run = s.runOf(id);
                    Claim last = new Claim(id, run.workerId(), 0, null, run.startedAt(), null, null, null);
                    stale.add(new StaleClaim(id, last, Takeover.Reason.UNCLAIMED, 0));
                }
            }
            missingClaimSince.keySet().retainAll(unclaimed);
            return stale;
        });
    }

    @Override
    public List<Takeover> abandon(List<StaleClaim> stale) {
        if (stale.isEmpty()) {
            return List.of();
        }
        return journalled.change(change -> {
            WorkspaceState state = change.state();
            List<Found> files = LeaseFiles.scan(claimFiles, own);
            List<Takeover> takeovers = new ArrayList<>();
            for (StaleClaim claim : stale) {
                String id = claim.taskId();
                if (claim.reason() == Takeover.Reason.UNCLAIMED) {
                    boolean listed = own.get(id).isPresent()
                            || files.stream().anyMatch(f -> f.lines().stream().anyMatch(l -> l.taskId().equals(id)));
                    if (listed) {
                        continue;
                    }
                    missingClaimSince.remove(id);
                } else {
                    boolean stillStale = files.stream().anyMatch(f -> f.line(id, claim.fence())
                            .filter(line -> runsUnder(state, line))
                            .flatMap(line -> staleReason(f, line, change.now)).isPresent());
                    if (!stillStale) {
                        continue;
                    }
                }
                if (requeue(change, id, claim.reason())) {
                    takeovers.add(new Takeover(id, claim.previousWorker(), claim.reason()));
                }
            }
            change.blockUnrunnable();
            change.afterWrite(() -> {
                for (Found f : files) {
                    if (f.state() == Found.State.DEAD && f.lines().stream().noneMatch(l -> runsUnder(state, l))) {
                        LeaseFiles.deleteIfSame(f.file(), f.fileKey());
                    }
                }
            });
            return takeovers;
        });
    }

    /** The line's task is running under the line's worker: the line is that run's lease. */
    private static boolean runsUnder(WorkspaceState s, LeaseFiles.Line line) {
        TaskRun run = s.runs().get(line.taskId());
        return run != null && run.status() == TaskStatus.IN_PROGRESS && s.contains(line.taskId())
                && Objects.equals(run.workerId(), line.workerId());
    }

    private Optional<Takeover.Reason> staleReason(Found found, LeaseFiles.Line line, Instant now) {
        return switch (found.state()) {
            case OURS -> Optional.empty();
            case DEAD -> Optional.of(Takeover.Reason.OWNER_DIED);
            case ALIVE, SAME_JVM -> isStale(line, found, now)
                    ? Optional.of(Takeover.Reason.LEASE_EXPIRED) : Optional.empty();
        };
    }

    /**
     * Stale when the heartbeat is older than the lease. A heartbeat further in the future than one lease can only
     * come from a skewed clock or a hand edit; the file's mtime (written by this machine's kernel) decides then.
     */
    private boolean isStale(LeaseFiles.Line line, Found found, Instant now) {
        Instant heartbeat = line.heartbeatAt();
        if ((heartbeat == null || heartbeat.isAfter(now.plus(settings.lease()))) && found.modified() != null) {
            heartbeat = found.modified().toInstant();
        }
        return heartbeat == null || heartbeat.plus(settings.lease()).isBefore(now);
    }

    // --- spend ---

    /**
     * From memory once this store has read the workspace; before that, the ledger as the last journal line or the
     * log keeps it, and the queue is read only when a ceiling makes the count of tasks waiting for budget matter.
     */
    @Override
    public SpendStatus spend(Optional<SpendLimit> processLimit) {
        return lock.callExclusive(() -> {
            if (!journalled.loaded()) {
                Optional<SpendLedger> recorded = journalled.recordedSpend();
                if (recorded.isPresent() && recorded.get().ceiling(processLimit).isEmpty()) {
                    return new SpendStatus(recorded.get(), processLimit, 0);
                }
            }
            WorkspaceState s = journalled.current();
            SpendLedger ledger = s.spend();
            long waiting = ledger.ceiling(processLimit).isEmpty() ? 0
                    : ledger.notFitting(s.readyInOrder(clock.instant()), processLimit);
            return new SpendStatus(ledger, processLimit, waiting);
        });
    }

    @Override
    public SpendLedger limitSpend(Optional<SpendLimit> limit) {
        return journalled.change(change -> {
            WorkspaceState state = change.state();
            change.limitSpend(limit);
            return state.spend();
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
        return journalled.change(change -> {
            WorkspaceState state = change.state();
            List<String> targets = new ArrayList<>();
            if (allFailed) {
                state.runs().forEach((id, run) -> {
                    if (run.status() == TaskStatus.FAILED && state.contains(id)) {
                        targets.add(id);
                    }
                });
            } else {
                for (String id : ids) {
                    if (!state.contains(id)) {
                        throw new UnknownTaskException(id);
                    }
                    targets.add(id);
                }
            }
            List<String> retried = new ArrayList<>();
            for (String id : targets) {
                state.runOf(id).retried(id).ifPresent(fresh -> {
                    change.put(id, fresh);
                    retried.add(id);
                });
            }
            for (String id : Scheduling.toUnblock(state.tasks(), state.runs()::get)) {
                change.put(id, state.runOf(id).retry(id));
                retried.add(id);
            }
            return retried;
        });
    }

    @Override
    public TaskRun review(String id, CodeRun.Review verdict, String feedback) {
        return journalled.change(change -> {
            WorkspaceState state = change.state();
            if (!state.contains(id)) {
                throw new UnknownTaskException(id);
            }
            TaskRun reviewed = state.runOf(id).reviewed(id, verdict, feedback);
            change.put(id, reviewed);
            return reviewed;
        });
    }

    @Override
    public Cancellation cancel(String id) {
        return journalled.change(change -> {
            WorkspaceState state = change.state();
            if (!state.contains(id)) {
                throw new UnknownTaskException(id);
            }
            TaskRun run = state.runOf(id);
            TaskRun cancelled = run.cancel(id, change.now, state.task(id).orElseThrow().maxBudget());
            Optional<Claim> ended = Optional.empty();
            if (run.status() == TaskStatus.IN_PROGRESS) {
                ended = endLease(id, run);
            }
            change.put(id, cancelled);
            change.blockUnrunnable();
            return new Cancellation(cancelled, ended);
        });
    }

    /**
     * The lease of a running task, ended: forgotten at once when this store holds it (a retry may give the task to
     * this JVM again straight away); another holder learns it from the journal at its next renewal.
     */
    private Optional<Claim> endLease(String id, TaskRun run) {
        Optional<Own.Held> ours = own.get(id);
        if (ours.isPresent()) {
            own.remove(id);
            return Optional.of(ours.get().claim);
        }
        for (Found found : LeaseFiles.scan(claimFiles, own)) {
            for (LeaseFiles.Line line : found.lines()) {
                if (line.taskId().equals(id) && Objects.equals(line.workerId(), run.workerId())) {
                    return Optional.of(line.claim());
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        journalled.checkpoints().stop();
        lock.runExclusive(() -> {
            own.removeIfEmpty();
            own.dropAll();
        });
        // Files left behind by a writer that was killed before its checkpoint are brought up to date by the next
        // process that reads the whole state (a dry run, a retry, a pool), not only by the next writer.
        if (journalled.checkpoints().wroteHere() || lock.callExclusive(journalled::loaded)) {
            try {
                journalled.checkpoints().checkpointNow();
            } catch (StoreException e) {
                log.warn("{}; the files catch up at the next checkpoint", e.getMessage());
            }
        }
        lock.runExclusive(journalled.journal()::close);
    }

    // --- rules applied inside a change ---

    private TaskRun afterFinish(Task task, TaskRun run, Finish finish, Instant now) {
        return finish.applyTo(task, run, now, settings.retry());
    }

    private boolean requeue(Change change, String id, Takeover.Reason reason) {
        WorkspaceState state = change.state();
        TaskRun run = state.runs().get(id);
        Optional<Task> task = state.task(id);
        if (task.isEmpty() || run == null || run.status() != TaskStatus.IN_PROGRESS) {
            return false;
        }
        change.put(id, reason.abandon(task.get(), run, change.now));
        return true;
    }
}
