package io.vivarium.store.file;

import io.vivarium.spend.SpendLedger;
import io.vivarium.spend.SpendLimit;
import io.vivarium.store.StoreException;
import io.vivarium.store.file.LeaseFiles.Own;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.Summary;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workspace's state in memory, kept current from {@code task_locks/.journal}, and the one way to change it: a
 * {@link Change} made under the workspace lock becomes one journal line. The files it stands on are named by their
 * identities ({@link #identity}); when they differ from the ones the journal names, someone else wrote them and they
 * are read again. {@link Checkpoints} talks to this class alone: it freezes the state and installs the documents.
 */
final class JournalledState {

    private static final Logger log = LoggerFactory.getLogger(JournalledState.class);
    private static final int LARGE_QUEUE = 20_000;

    private final WorkspacePaths paths;
    private final Clock clock;
    private final WorkspaceLock lock;
    private final JsonFile<QueueDocument> queueFile;
    private final JsonFile<ExecutionLog> logFile;
    private final Journal journal;
    private final Own own;
    private final Checkpoints checkpoints;

    // Guarded by the workspace lock.
    private WorkspaceState state;
    /** The identities of the two files {@link #state} stands on: when they differ, someone else wrote the files. */
    private String queueBasis;
    private String logBasis;

    /** Guarded by the workspace lock: see {@link #noteRunsEndedByEdit}. */
    private final Map<String, Instant> endedByEdit = new java.util.HashMap<>();

    /** Whether this store has removed the temp files killed writers left; once per store is enough. */
    private volatile boolean tidied;

    JournalledState(WorkspacePaths paths, Clock clock, WorkspaceLock lock, Own own) {
        this.paths = paths;
        this.clock = clock;
        this.lock = lock;
        this.queueFile = new JsonFile<>(paths.queue(), QueueDocument.class, QueueDocument::empty);
        this.logFile = new JsonFile<>(paths.log(), ExecutionLog.class, ExecutionLog::empty);
        this.journal = new Journal(paths.journal());
        this.own = own;
        this.checkpoints = new Checkpoints(this);
    }

    WorkspacePaths paths() {
        return paths;
    }

    WorkspaceLock lock() {
        return lock;
    }

    Journal journal() {
        return journal;
    }

    Checkpoints checkpoints() {
        return checkpoints;
    }

    /** Under the lock: whether this store has read the workspace (and follows the journal since). */
    boolean loaded() {
        return state != null;
    }

    /** Under the lock: the state is to be read again from the files before its next use. */
    void forget() {
        state = null;
    }

    // --- read without the state: from the journal's last record or the log, when the files are as named ---

    Optional<Summary> recordedSummary() {
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

    /**
     * The flow settings as the journal's newest record that set them says, else the head of {@code queue.json};
     * empty when the files are not the ones the journal names (an edit by hand: the queue is read whole then).
     */
    Optional<FlowSettings> recordedFlow() {
        Journal.Tail tail = journal.read();
        if (!filesAsNamed(tail.header())) {
            return Optional.empty();
        }
        FlowSettings flow = journal.lastFlow();
        return flow != null ? Optional.of(flow) : QueueHead.flow(paths.queue());
    }

    /** Whether a pending task waits for a time, as the journal's last record says; empty when it cannot say. */
    Optional<Boolean> recordedTimed() {
        Journal.Tail tail = journal.read();
        JournalRecord last = journal.last();
        if (!filesAsNamed(tail.header()) || last == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(last.timed());
    }

    Optional<SpendLedger> recordedSpend() {
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

    /**
     * The last committed seq, read from the journal's two ends without the lock; files that differ from the ones
     * the journal names (an edit by hand) make a different number. A checkpoint changes nothing here.
     */
    long version() {
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

    // --- one change, one journal record ---

    <R> R change(Function<Change, R> body) {
        ensureLocksDirectory();
        Change[] made = new Change[1];
        R outcome = lock.callExclusive(() -> {
            current();
            Change change = new Change(clock.instant(), state);
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
            finish(change);
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

    private void finish(Change change) {
        if (change.touched()) {
            long seq = state.seq() + 1;
            JournalRecord record = change.record(seq, filesChangedByHand());
            try {
                journal.append(record, JournalHeader.over(state.seq(), queueBasis, logBasis));
            } catch (RuntimeException e) {
                // The state in memory is ahead of the disk now: read it again before anything else.
                state = null;
                change.failed();
                throw e;
            }
            state.setSeq(seq, record.changesQueue());
            checkpoints.wrote();
        }
        if (change.leasesChanged) {
            own.write();
            own.removeIfEmpty();
        }
        change.wrote();
        JournalHeader header = journal.header();
        boolean filesAsNamed = header != null && state != null && Objects.equals(header.queue(), queueBasis)
                && Objects.equals(header.log(), logBasis);
        // What version() reads from the files, known here without reading them.
        change.version = filesAsNamed ? Math.max(state.seq(), header.base()) : version();
    }

    void ensureLocksDirectory() {
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

    // --- the state in memory, kept current from the journal ---

    /** Catches up with the journal; loads the files when they were never read or were changed by someone else. */
    WorkspaceState current() {
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
        noteRunsEndedByEdit(previous);
        if (loaded.tasks().size() >= LARGE_QUEUE) {
            // The state just read lives as long as the process. Tenured in one collection now, it is not copied
            // again by every young collection of the run, whose pauses would otherwise make the JVM grow its heap
            // (and its memory) several times over; ~0.1 s once, for 100,000 tasks. The heap is sized to the state by
            // that collection, not left at what loading grew it to.
            HeapSizing.keepCompact();
            System.gc();
        }
    }

    /**
     * Tasks another process was running when documents changed by hand said they are not: their owner may not
     * have noticed yet (its lease file removed a moment before, say), so no claim here takes them before
     * {@link io.vivarium.store.StoreSettings#missingClaimGrace()} has passed, the time an owner is given to stop
     * a grind no lease lists ({@link #endedByEditSince}).
     */
    private void noteRunsEndedByEdit(WorkspaceState previous) {
        if (previous == null) {
            return;
        }
        Instant now = clock.instant();
        for (String id : previous.inProgress()) {
            TaskRun is = state.runs().get(id);
            if (!own.taskIds().contains(id) && (is == null || is.status() != TaskStatus.IN_PROGRESS)) {
                endedByEdit.put(id, now);
            }
        }
    }

    /** Under the lock: the tasks {@link #noteRunsEndedByEdit} holds back, each with when; older ones are dropped. */
    Set<String> endedByEditSince(Instant since) {
        endedByEdit.values().removeIf(at -> at.isBefore(since));
        return endedByEdit.isEmpty() ? Set.of() : Set.copyOf(endedByEdit.keySet());
    }

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
            if (was == null || held.isEmpty() || own.isRevoked(id) || decided.contains(id)
                    || was.status() != TaskStatus.IN_PROGRESS
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
                ExecutionLog.spendFields(state.spend()), filesChangedByHand(), List.of(), null, state.timedPending() > 0);
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
            if (record.flow() != null) {
                s.setFlow(record.flow());
            }
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
    boolean filesAsNamed(JournalHeader header) {
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

    // --- for checkpoints ---

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
    boolean installFiles(long seq, String queueWas, String logWas, Path queueTemp, Path logTemp)
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
