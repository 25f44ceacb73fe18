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
import io.vivarium.task.Pruning;
import io.vivarium.task.TaskKeys;
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
    private final JsonFile<QueueDocument> queueFile;
    private final JsonFile<ExecutionLog> logFile;
    private final ClaimFiles claimFiles;
    private final Journal journal;
    private final Own own;
    private final Checkpoints checkpoints;
    /** In-progress tasks seen without a lease, and since when; see {@link StoreSettings#missingClaimGrace()}. */
    private final Map<String, Instant> missingClaimSince = new ConcurrentHashMap<>();

    // Guarded by the workspace lock.
    private WorkspaceState state;
    /** The identities of the two files {@link #state} stands on: when they differ, someone else wrote the files. */
    private String queueBasis;
    private String logBasis;

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
        this.queueFile = new JsonFile<>(paths.queue(), QueueDocument.class, QueueDocument::empty);
        this.logFile = new JsonFile<>(paths.log(), ExecutionLog.class, ExecutionLog::empty);
        this.claimFiles = new ClaimFiles(paths);
        this.journal = new Journal(paths.journal());
        WorkerIdentity me = WorkerIdentity.create();
        this.own = new Own(paths.locks(), me.host(), me.pid());
        this.checkpoints = new Checkpoints(this);
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
            if (state == null) {
                Optional<Summary> recorded = recordedSummary();
                if (recorded.isPresent()) {
                    return recorded.get();
                }
            }
            return current().summary();
        });
    }

    private Optional<Summary> recordedSummary() {
        Journal.Tail tail = journal.read();
        JournalHeader header = tail.header();
        if (!filesAsNamed(header)) {
            return Optional.empty();
        }
        if (!tail.records().isEmpty()) {
            return Optional.ofNullable(tail.records().get(tail.records().size() - 1).summary());
        }
        return LogTail.summary(paths.log());
    }

    @Override
    public Optional<TaskEntry> find(String id) {
        return lock.callExclusive(() -> {
            WorkspaceState s = current();
            return s.task(id).map(t -> new TaskEntry(t, s.runs().get(id)));
        });
    }

    @Override
    public TaskPage query(TaskQuery query) {
        return lock.callExclusive(() -> {
            WorkspaceState s = current();
            return query.pageOf(s.tasks(), s.runs()::get);
        });
    }

    @Override
    public Snapshot snapshot() {
        return lock.callExclusive(() -> {
            WorkspaceState s = current();
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

    /**
     * The last committed seq, read from the journal's two ends without the lock; files that differ from the ones
     * the journal names (an edit by hand) make a different number. A checkpoint changes nothing here.
     */
    @Override
    public long version() {
        Journal.Peek peek = journal.peek();
        String queueId = identity(paths.queue());
        String logId = identity(paths.log());
        if (peek == null) {
            return Objects.hash(queueId, logId);
        }
        if (Objects.equals(queueId, peek.queue()) && Objects.equals(logId, peek.log())) {
            return peek.lastSeq();
        }
        // Mid-checkpoint (files renamed, journal not yet restarted) or changed by hand: the lock tells which.
        return lock.callExclusive(() -> {
            Journal.Peek settled = journal.peek();
            String q = identity(paths.queue());
            String l = identity(paths.log());
            if (settled == null) {
                return (long) Objects.hash(q, l);
            }
            boolean same = Objects.equals(q, settled.queue()) && Objects.equals(l, settled.log());
            return same ? settled.lastSeq() : settled.lastSeq() ^ ((long) Objects.hash(q, l) << 24);
        });
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
        addDeduplicated(tasks);
    }

    @Override
    public List<TaskKeys.Answer> addDeduplicated(List<Task> tasks) {
        if (tasks.isEmpty()) {
            return List.of();
        }
        ensureLocksDirectory();
        // A keyed add needs the queue's keys, so it never takes the quick path that does not read the queue.
        boolean keyed = TaskKeys.anyKeyed(tasks);
        if (!keyed && lock.callExclusive(() -> state == null) && quickAdd(tasks)) {
            return tasks.stream().map(t -> new TaskKeys.Answer(t.id(), true)).toList();
        }
        return change(change -> {
            TaskKeys.Decision decision = TaskKeys.decide(tasks, keyed ? heldKeys() : Map.of());
            // Stamped under the lock, just before the write: created_at is when the task entered the queue.
            List<Task> stamped = decision.added().stream()
                    .map(t -> t.createdAt() != null ? t : t.toBuilder().createdAt(change.now).build())
                    .toList();
            Set<String> ids = new HashSet<>();
            for (Task task : stamped) {
                if (state.contains(task.id()) || !ids.add(task.id())) {
                    throw new DuplicateTaskException(task.id());
                }
            }
            // By ids: the queue's own tasks were checked when they came, so a cycle can only run through new ones.
            DependencyGraph.checkAppend(state.ids(), stamped);
            if (!stamped.isEmpty()) {
                change.add(stamped);
            }
            return decision.answers();
        });
    }

    @Override
    public List<String> prune(Set<TaskStatus> statuses, Instant endedBefore) {
        Set<TaskStatus> asked = Pruning.check(statuses);
        return change(change -> {
            List<String> gone = Pruning.choose(state.tasks(), state.runs(), asked, endedBefore);
            if (!gone.isEmpty()) {
                change.remove(gone);
            }
            return gone;
        });
    }

    /** The keys unfinished tasks hold, and which task holds each: read only for an add that has keys. */
    private Map<String, String> heldKeys() {
        Map<String, String> held = new HashMap<>();
        for (Task task : state.tasks()) {
            if (task.key() != null && TaskKeys.holds(state.runOf(task.id()).status())) {
                held.putIfAbsent(task.key(), task.id());
            }
        }
        return held;
    }

    /**
     * An add by a process that has not read the queue (the CLI's {@code add}), into files that hold everything:
     * the journal line, then both documents rewritten around their bytes (see {@link QuickAppend}), then the
     * journal restarted, the same order and the same crash story as a checkpoint. False when it does not apply.
     */
    private boolean quickAdd(List<Task> tasks) {
        // Read under the lock, scanned off it: the queue may be 100,000 tasks long.
        Optional<QuickBase> base = lock.callExclusive(this::quickBase);
        if (base.isEmpty()) {
            return false;
        }
        Optional<QuickAppend.Plan> plan = QuickAppend.plan(base.get().queue(), base.get().log(), tasks);
        if (plan.isEmpty()) {
            return false;
        }
        // Encoded once before the commit, so that a fresh JVM's first encoding (its serializers built) is not paid
        // between stamping the tasks and making them durable.
        WorkspaceJson.compact(new JournalRecord(0, clock.instant(), false, tasks, Map.of(), null, plan.get().before(),
                Map.of()));
        // The commit: nothing but the journal line, so a waiting pool claims the tasks at once.
        Optional<Committed> committed = lock.callExclusive(() -> {
            if (!quickBaseStillHolds(base.get().header())) {
                return Optional.<Committed>empty();
            }
            Instant now = clock.instant();
            List<Task> stamped = tasks.stream()
                    .map(t -> t.createdAt() != null ? t : t.toBuilder().createdAt(now).build())
                    .toList();
            Summary b = plan.get().before();
            Summary after = new Summary(b.totalTasks() + stamped.size(), b.completed(), b.inProgress(),
                    b.pending() + stamped.size(), b.failed(), b.blocked(), b.cancelled(), b.budgetUsed());
            long seq = base.get().header().base() + 1;
            journal.append(new JournalRecord(seq, now, false, stamped, Map.of(), null, after, Map.of()), null);
            return Optional.of(new Committed(seq, stamped, after));
        });
        if (committed.isEmpty()) {
            return false;
        }
        // Then the files, like a checkpoint: written off the lock, renamed under it if nobody replaced them since.
        QuickAppend.Rewrite rewrite = QuickAppend.rewrite(plan.get(), committed.get().tasks(), committed.get().seq(),
                committed.get().summary());
        Path queueTemp = null;
        Path logTemp = null;
        try {
            queueTemp = AtomicFile.writeTemp(paths.queue(), rewrite.queue());
            logTemp = AtomicFile.writeTemp(paths.log(), rewrite.log());
            Path q = queueTemp;
            Path l = logTemp;
            boolean installed = lock.callExclusive(() -> installQuick(base.get().header(), committed.get().seq(), q, l));
            if (installed) {
                queueTemp = null;
                logTemp = null;
            }
        } catch (IOException e) {
            // The tasks are committed in the journal; only the files stay behind, for the next checkpoint.
            log.warn("{}: the added tasks are saved in {} and the files catch up at the next checkpoint",
                    e.getMessage(), paths.journal());
        } finally {
            AtomicFile.deleteQuietly(queueTemp);
            AtomicFile.deleteQuietly(logTemp);
        }
        return true;
    }

    private record QuickBase(JournalHeader header, byte[] queue, byte[] log) {
    }

    private record Committed(long seq, List<Task> tasks, Summary summary) {
    }

    /** The files and the journal's header, when the files hold everything (no journal line past them). */
    private Optional<QuickBase> quickBase() {
        Journal.Tail tail = journal.read();
        JournalHeader header = tail.header();
        if (header == null || !quickBaseStillHolds(header)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new QuickBase(header, SafeFiles.readRegular(paths.queue(), SafeFiles.MAX_DOCUMENT_BYTES),
                    SafeFiles.readRegular(paths.log(), SafeFiles.MAX_DOCUMENT_BYTES)));
        } catch (IOException e) {
            throw new StoreException("cannot read " + paths.queue() + ": " + e.getMessage(), e);
        }
    }

    private boolean quickBaseStillHolds(JournalHeader header) {
        journal.read();
        return header.equals(journal.header()) && journal.lastSeq() == header.base() && filesAsNamed(header);
    }

    private boolean installQuick(JournalHeader base, long seq, Path queueTemp, Path logTemp) {
        journal.read();
        try {
            return installFiles(seq, base.queue(), base.log(), queueTemp, logTemp);
        } catch (IOException e) {
            throw new StoreException("cannot replace " + paths.queue() + ": " + e.getMessage(), e);
        }
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
                        state = null;
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
        return change(change -> {
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
        change(change -> {
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
        return change(change -> {
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
            blockUnrunnable(change);
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
            WorkspaceState s = current();
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
            WorkspaceState s = current();
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
            WorkspaceState s = current();
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
        return change(change -> {
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
            blockUnrunnable(change);
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
            if (state == null) {
                Optional<SpendLedger> recorded = recordedSpend();
                if (recorded.isPresent() && recorded.get().ceiling(processLimit).isEmpty()) {
                    return new SpendStatus(recorded.get(), processLimit, 0);
                }
            }
            WorkspaceState s = current();
            SpendLedger ledger = s.spend();
            long waiting = ledger.ceiling(processLimit).isEmpty() ? 0
                    : ledger.notFitting(s.readyInOrder(clock.instant()), processLimit);
            return new SpendStatus(ledger, processLimit, waiting);
        });
    }

    private Optional<SpendLedger> recordedSpend() {
        Journal.Tail tail = journal.read();
        JournalHeader header = tail.header();
        if (!filesAsNamed(header)) {
            return Optional.empty();
        }
        for (int i = tail.records().size() - 1; i >= 0; i--) {
            Map<String, Object> spend = tail.records().get(i).spend();
            if (!spend.isEmpty()) {
                return ExecutionLog.spendOf(spend);
            }
        }
        return LogTail.spend(paths.log());
    }

    @Override
    public SpendLedger limitSpend(Optional<SpendLimit> limit) {
        return change(change -> {
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
        return change(change -> {
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
        return change(change -> {
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
        return change(change -> {
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
            blockUnrunnable(change);
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
        checkpoints.stop();
        lock.runExclusive(() -> {
            own.removeIfEmpty();
            own.dropAll();
        });
        // Files left behind by a writer that was killed before its checkpoint are brought up to date by the next
        // process that reads the whole state (a dry run, a retry, a pool), not only by the next writer.
        if (checkpoints.wroteHere() || lock.callExclusive(() -> state != null)) {
            try {
                checkpoints.checkpointNow();
            } catch (StoreException e) {
                log.warn("{}; the files catch up at the next checkpoint", e.getMessage());
            }
        }
        lock.runExclusive(journal::close);
    }

    // --- the state in memory, kept current from the journal ---

    /** Catches up with the journal; loads the files when they were never read or were changed by someone else. */
    private WorkspaceState current() {
        Journal.Tail tail = journal.read();
        if (state == null) {
            reload();
            return state;
        }
        JournalHeader header = tail.header();
        if (tail.restarted()) {
            if (header == null) {
                journalLost();
                return state;
            }
            if (!continuesFrom(tail, state.seq())) {
                // A checkpoint holds records this process never read and the journal no longer has them (they are in
                // the files now), or the journal was made again by someone who knew less: the files decide.
                reload();
                return state;
            }
            queueBasis = header.queue();
            logBasis = header.log();
        }
        for (JournalRecord record : tail.records()) {
            if (record.seq() > state.seq()) {
                if (record.reread()) {
                    // Its writer had read documents changed by hand: this state stands on the ones before.
                    reload();
                    return state;
                }
                apply(state, record, true, true);
            }
        }
        if (!Objects.equals(identity(paths.queue()), queueBasis) || !Objects.equals(identity(paths.log()), logBasis)) {
            reload();
        }
        return state;
    }

    /** A journal read from its start holds every record after {@code seq}, and nothing that runs back behind it. */
    private boolean continuesFrom(Journal.Tail tail, long seq) {
        if (journal.lastSeq() < seq) {
            return false;
        }
        List<JournalRecord> records = tail.records();
        return tail.header().base() == seq || (!records.isEmpty() && records.get(0).seq() <= seq + 1);
    }

    /**
     * The journal vanished (removed by hand, or moved aside as unreadable) while this process held the state. When the
     * documents are still the ones that state stands on, it is written back at once, so that the changes the journal
     * held since the last checkpoint survive; documents changed as well are the user's, and are read.
     */
    private void journalLost() {
        if (Objects.equals(identity(paths.queue()), queueBasis) && Objects.equals(identity(paths.log()), logBasis)) {
            try {
                Path queueTemp = Checkpoints.writeDocument(paths.queue(), state.queueDocument().withRevision(state.seq()));
                Path logTemp = Checkpoints.writeDocument(paths.log(), Checkpoints.textOf(state.freezeLog(), state.seq()));
                AtomicFile.install(queueTemp, paths.queue());
                AtomicFile.install(logTemp, paths.log());
                queueBasis = identity(paths.queue());
                logBasis = identity(paths.log());
                journal.restartAt(JournalHeader.over(state.seq(), queueBasis, logBasis));
                log.warn("{} vanished; the workspace's state was written back to {} and {}", paths.journal(),
                        paths.queue().getFileName(), paths.log().getFileName());
                return;
            } catch (IOException | RuntimeException e) {
                log.warn("{} vanished and the state could not be written back ({}); reading the files",
                        paths.journal(), e.getMessage());
            }
        }
        reload();
    }

    /**
     * The files, then every journal record past the checkpoint the journal continues. Records are absolute, so one
     * the files already hold (a checkpoint that died between its renames) changes nothing; records the checkpoint
     * holds are never replayed, so files changed since by someone else win for everything up to it. The seq goes on
     * from the journal's last record whatever the files say, so the journal never runs backwards.
     */
    private void reload() {
        WorkspaceState previous = state;
        state = null;
        journal.close();
        Journal.Tail all = journal.read();
        String queueId = identity(paths.queue());
        String logId = identity(paths.log());
        QueueDocument queue = queueFile.read();
        ExecutionLog log = logFile.read();
        WorkspaceState loaded = new WorkspaceState(queue, log, Math.max(queue.revision(), log.revision()),
                clock.instant());
        long floor = all.header() == null ? Long.MIN_VALUE : all.header().base();
        Set<String> decided = new HashSet<>();
        for (JournalRecord record : all.records()) {
            if (record.seq() > floor) {
                apply(loaded, record, true, true);
                decided.addAll(record.runs().keySet());
                if (record.cleared()) {
                    previous = null;
                }
            }
        }
        if (all.header() != null) {
            loaded.setSeq(Math.max(loaded.seq(), journal.lastSeq()), false);
        }
        state = loaded;
        queueBasis = queueId;
        logBasis = logId;
        keepOwnClaims(previous, decided);
        if (loaded.tasks().size() >= LARGE_QUEUE) {
            // The state just read lives as long as the process. Tenured in one collection now, it is not copied
            // again by every young collection of the run, whose pauses would otherwise make the JVM grow its heap
            // (and its memory) several times over; ~0.1 s once, for 100,000 tasks.
            System.gc();
        }
    }

    /** Whether this store has removed the temp files killed writers left; once per store is enough. */
    private volatile boolean tidied;

    /**
     * Claims are facts of the lease files: a task this process runs, under a lease file that is still its own, stays
     * running when the documents were changed under it (a checkout, a stash, a truncated log), and the journal says
     * so again for everyone. Only when the task is gone from the queue has the user's edit ended the claim.
     */
    private void keepOwnClaims(WorkspaceState previous, Set<String> decided) {
        if (previous == null || !own.intact()) {
            return;
        }
        Map<String, TaskRun> restored = new LinkedHashMap<>();
        Instant now = clock.instant();
        for (String id : own.taskIds()) {
            TaskRun was = previous.runs().get(id);
            TaskRun is = state.runs().get(id);
            Optional<Own.Held> held = own.get(id);
            if (was == null || held.isEmpty() || decided.contains(id) || was.status() != TaskStatus.IN_PROGRESS
                    || !state.contains(id)
                    || !Objects.equals(was.workerId(), held.get().claim.workerId()) || was.equals(is)) {
                continue;
            }
            restored.put(id, was);
            state.setRun(id, was, now);
        }
        if (restored.isEmpty()) {
            return;
        }
        long seq = state.seq() + 1;
        JournalRecord record = new JournalRecord(seq, now, false, List.of(), restored, null, state.summary(),
                ExecutionLog.spendFields(state.spend()), filesChangedByHand());
        try {
            journal.append(record, JournalHeader.over(state.seq(), queueBasis, logBasis));
        } catch (RuntimeException e) {
            state = null;
            throw e;
        }
        state.setSeq(seq, false);
        checkpoints.wrote();
        log.info("{} changed by hand: the {} task(s) this process runs stay claimed", paths.root(), restored.size());
    }

    private static final int LARGE_QUEUE = 20_000;

    private static void apply(WorkspaceState s, JournalRecord record, boolean queuePart, boolean runPart) {
        if (record.cleared()) {
            if (queuePart) {
                s.clear();
            } else if (runPart) {
                s.clearRuns();
            }
        }
        if (!record.removed().isEmpty() && (queuePart || runPart)) {
            s.removeTasks(record.removed());
        }
        if (queuePart) {
            s.appendTasks(record.added().stream().filter(t -> !s.contains(t.id())).toList());
        }
        if (runPart) {
            record.runs().forEach((id, run) -> s.setRun(id, run, record.at()));
            if (record.limit() != null) {
                s.limitSpend(record.limit().set()
                        ? Optional.of(SpendLimit.ofDollars(record.limit().dollars())) : Optional.empty());
            }
        }
        s.setSeq(Math.max(s.seq(), record.seq()), queuePart && record.changesQueue());
    }

    /** The state stands on documents other than the ones the journal's header names: someone else wrote them. */
    private boolean filesChangedByHand() {
        JournalHeader header = journal.header();
        return header != null && !(Objects.equals(header.queue(), queueBasis) && Objects.equals(header.log(), logBasis));
    }

    /** The two documents are the ones {@code header}'s checkpoint wrote: nobody has changed them since. */
    private boolean filesAsNamed(JournalHeader header) {
        return header != null && Objects.equals(identity(paths.queue()), header.queue())
                && Objects.equals(identity(paths.log()), header.log());
    }

    /** Inode, size, mtime and the revision at the file's head: an edit that keeps the first three shows in the last. */
    static String identity(Path file) {
        var entry = SafeFiles.entryOrNull(file);
        if (entry == null) {
            return null;
        }
        byte[] head = entry.isRegularFile() ? SafeFiles.head(file, 256) : null;
        return entry.fileKey() + "/" + entry.size() + "/" + entry.lastModifiedTime().toMillis() + "/"
                + (head == null ? "" : JsonFile.headRevisionText(head));
    }

    // --- one change, one journal record ---

    /** One unit of work under the workspace lock: the record being made, and what to do once it is durable. */
    private final class Change {
        final Instant now = clock.instant();
        private boolean cleared;
        private final List<Task> added = new ArrayList<>();
        private final List<String> removed = new ArrayList<>();
        private final Map<String, TaskRun> runs = new LinkedHashMap<>();
        private final List<Runnable> afterWrite = new ArrayList<>();
        private final List<Runnable> ifWriteFails = new ArrayList<>();
        boolean leasesChanged;
        long version;
        /** Bring the files up to date before returning: a user's intent, or a pool that has nothing left to do. */
        boolean checkpointAfter = true;

        private JournalRecord.LimitChange limit;

        boolean touched() {
            return cleared || !added.isEmpty() || !runs.isEmpty() || limit != null || !removed.isEmpty();
        }

        void put(String id, TaskRun run) {
            runs.put(id, run);
            state.setRun(id, run, now);
        }

        void limitSpend(Optional<SpendLimit> newLimit) {
            limit = new JournalRecord.LimitChange(newLimit.isPresent(), newLimit.map(SpendLimit::dollars).orElse(null));
            state.limitSpend(newLimit);
        }

        void add(List<Task> tasks) {
            added.addAll(tasks);
            state.appendTasks(tasks);
        }

        /** Only before anything else in this change: a record applies its removals first. */
        void remove(List<String> ids) {
            removed.addAll(ids);
            state.removeTasks(ids);
        }

        void clear() {
            cleared = true;
            added.clear();
            runs.clear();
            state.clear();
        }

        void afterWrite(Runnable action) {
            afterWrite.add(action);
        }

        void ifWriteFails(Runnable action) {
            ifWriteFails.add(action);
        }

        void finish() {
            if (touched()) {
                long seq = state.seq() + 1;
                JournalRecord record = new JournalRecord(seq, now, cleared, added, runs, limit, state.summary(),
                        ExecutionLog.spendFields(state.spend()), filesChangedByHand(), removed);
                try {
                    journal.append(record, JournalHeader.over(state.seq(), queueBasis, logBasis));
                } catch (RuntimeException e) {
                    // The state in memory is ahead of the disk now: read it again before anything else.
                    state = null;
                    ifWriteFails.forEach(Runnable::run);
                    throw e;
                }
                state.setSeq(seq, record.changesQueue());
                checkpoints.wrote();
            }
            if (leasesChanged) {
                own.write();
                own.removeIfEmpty();
            }
            afterWrite.forEach(Runnable::run);
            JournalHeader header = journal.header();
            boolean filesAsNamed = header != null && state != null && Objects.equals(header.queue(), queueBasis)
                    && Objects.equals(header.log(), logBasis);
            // What version() reads from the files, known here without reading them.
            version = filesAsNamed ? Math.max(state.seq(), header.base()) : version();
        }
    }

    private <R> R change(Function<Change, R> body) {
        ensureLocksDirectory();
        Change[] made = new Change[1];
        R outcome = lock.callExclusive(() -> {
            current();
            Change change = new Change();
            made[0] = change;
            R result;
            try {
                result = body.apply(change);
            } catch (RuntimeException e) {
                if (change.touched()) {
                    // Refused half-way: the state in memory is ahead of the disk; read it again.
                    state = null;
                }
                throw e;
            }
            change.finish();
            return result;
        });
        if (made[0].touched() && made[0].checkpointAfter && !lock.isHeldByCurrentThread()) {
            try {
                checkpoints.checkpointNow();
            } catch (StoreException e) {
                // The change is durable in the journal and every process sees it; only the files stay behind.
                log.warn("{}; the change is saved in {} and the files catch up at the next checkpoint",
                        e.getMessage(), paths.journal());
            }
        }
        return outcome;
    }

    // --- rules applied inside a change ---

    private TaskRun afterFinish(Task task, TaskRun run, Finish finish, Instant now) {
        return finish.applyTo(task, run, now, settings.retry());
    }

    private void blockUnrunnable(Change change) {
        for (Map<String, String> found = state.takeBlockable(); !found.isEmpty(); found = state.takeBlockable()) {
            found.forEach((id, reason) -> change.put(id, state.runOf(id).block(id, change.now, reason)));
        }
    }

    private boolean requeue(Change change, String id, Takeover.Reason reason) {
        TaskRun run = state.runs().get(id);
        Optional<Task> task = state.task(id);
        if (task.isEmpty() || run == null || run.status() != TaskStatus.IN_PROGRESS) {
            return false;
        }
        change.put(id, reason.abandon(task.get(), run, change.now));
        return true;
    }

    private void ensureLocksDirectory() {
        try {
            SafeFiles.createDirectory(paths.locks());
        } catch (IOException e) {
            throw new StoreException("cannot create " + paths.locks() + ": " + e.getMessage(), e);
        }
        if (!tidied) {
            // Once per store, by writers only: the temp files of writers killed between writing and renaming.
            tidied = true;
            Instant now = Instant.now();
            TempFiles.cleanLeftovers(paths.root(), now, name -> name.equals("queue.json")
                    || name.equals("execution_log.json"));
            TempFiles.cleanLeftovers(paths.locks(), now, name -> name.equals(".journal") || name.endsWith(".lock"));
        }
    }

    // --- for checkpoints ---

    WorkspaceLock lock() {
        return lock;
    }

    /** What a checkpoint writes, taken under the lock; null when the files hold everything already. */
    Checkpoints.Frozen freeze() {
        WorkspaceState s = current();
        JournalHeader header = journal.header();
        if (header == null || journal.lastSeq() <= header.base()) {
            return null;
        }
        boolean queueChanged = s.queueSeq() > header.base();
        return new Checkpoints.Frozen(s.seq(), queueChanged ? s.queueDocument() : null, s.freezeLog());
    }

    /**
     * Installs a checkpoint written off the lock, if it is still the newest and the files are still the ones the
     * journal names: a file someone else changed is never overwritten.
     */
    boolean install(Checkpoints.Frozen frozen, Path queueTemp, Path logTemp) throws IOException {
        return current().seq() >= frozen.seq() && installFiles(frozen.seq(), queueBasis, logBasis, queueTemp, logTemp);
    }

    /**
     * Renames documents written for {@code seq} into place and restarts the journal after them, under the lock; not
     * when a checkpoint as new came first, or when the files are no longer {@code queueWas} and {@code logWas}
     * (someone else wrote them). A null {@code queueTemp}: the queue did not change.
     */
    private boolean installFiles(long seq, String queueWas, String logWas, Path queueTemp, Path logTemp)
            throws IOException {
        JournalHeader header = journal.header();
        if (header == null || header.base() >= seq || !Objects.equals(identity(paths.queue()), queueWas)
                || !Objects.equals(identity(paths.log()), logWas)) {
            return false;
        }
        if (queueTemp != null) {
            AtomicFile.install(queueTemp, paths.queue());
        }
        AtomicFile.install(logTemp, paths.log());
        queueBasis = identity(paths.queue());
        logBasis = identity(paths.log());
        journal.restartAt(JournalHeader.over(seq, queueBasis, logBasis));
        return true;
    }
}
