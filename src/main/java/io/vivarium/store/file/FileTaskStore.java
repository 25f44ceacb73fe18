package io.vivarium.store.file;

import io.vivarium.store.Claim;
import io.vivarium.store.CommitResult;
import io.vivarium.store.Finish;
import io.vivarium.store.Lease;
import io.vivarium.store.Snapshot;
import io.vivarium.store.StaleClaim;
import io.vivarium.store.StoreException;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.Takeover;
import io.vivarium.store.TaskEntry;
import io.vivarium.store.TaskPage;
import io.vivarium.store.TaskQuery;
import io.vivarium.store.TaskStore;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.store.file.LeaseFiles.Found;
import io.vivarium.store.file.LeaseFiles.Own;
import io.vivarium.spend.SpendLedger;
import io.vivarium.spend.SpendLimit;
import io.vivarium.spend.SpendStatus;
import io.vivarium.task.FlowRoom;
import io.vivarium.task.FlowSettings;
import java.util.function.UnaryOperator;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import io.vivarium.task.CodeRun;
import io.vivarium.task.TaskKeys;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

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

    private static final long POLL_MILLIS = 5;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FileTaskStore.class);

    private final WorkspacePaths paths;
    private final Clock clock;
    private final StoreSettings settings;
    private final WorkspaceLock lock;
    private final ClaimFiles claimFiles;
    private final Own own;
    private final JournalledState journalled;
    private final Definitions definitions;
    private final Claiming claiming;
    private final Recovery recovery;
    private final UserIntents intents;

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
        this.definitions = new Definitions(journalled, claimFiles, own, clock);
        this.recovery = new Recovery(journalled, claimFiles, own, clock, settings);
        this.claiming = new Claiming(journalled, claimFiles, own, recovery, clock, settings);
        this.intents = new UserIntents(journalled, claimFiles, own);
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

    /** Whether this store has read the queue into memory (what the answers from the journal alone avoid). */
    boolean hasReadQueue() {
        return lock.callExclusive(journalled::loaded);
    }

    /** From memory once read; before that, from the journal's last record, when the files are the ones it names. */
    @Override
    public boolean mayWaitForTime() {
        return lock.callExclusive(() -> journalled.loaded() ? journalled.current().timedPending() > 0
                : journalled.recordedTimed().orElse(true));
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
        addDeduplicated(tasks);
    }

    @Override
    public List<TaskKeys.Answer> addDeduplicated(List<Task> tasks) {
        return definitions.addDeduplicated(tasks);
    }

    @Override
    public List<String> prune(Set<TaskStatus> statuses, Instant endedBefore) {
        return definitions.prune(statuses, endedBefore);
    }

    /** Always works: a document that does not parse is moved aside; see {@link Definitions#clear()}. */
    @Override
    public ClearResult clear() {
        return definitions.clear();
    }

    @Override
    public void load(Snapshot snapshot) {
        definitions.load(snapshot);
    }

    // --- worker lifecycle ---

    @Override
    public CommitResult commit(WorkerIdentity worker, List<Finish> finished, int maxClaims) {
        return claiming.commit(worker, finished, maxClaims);
    }

    @Override
    public List<Lease> renew(List<Lease> leases) {
        return claiming.renew(leases);
    }

    @Override
    public boolean recordGrind(Lease lease, long pid, Instant startedAt) {
        return claiming.recordGrind(lease, pid, startedAt);
    }

    // --- recovery ---

    @Override
    public List<StaleClaim> findStaleClaims() {
        return recovery.findStaleClaims();
    }

    @Override
    public List<Takeover> abandon(List<StaleClaim> stale) {
        return recovery.abandon(stale);
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
        return intents.limitSpend(limit);
    }

    // --- flow control ---

    @Override
    public FlowRoom flow() {
        return lock.callExclusive(() -> journalled.current().flowRoom(clock.instant()));
    }

    /** From memory once read; before that, from the journal's records or the queue document's head. */
    @Override
    public FlowSettings flowSettings() {
        return lock.callExclusive(() -> journalled.loaded() ? journalled.current().flow()
                : journalled.recordedFlow().orElseGet(() -> journalled.current().flow()));
    }

    @Override
    public FlowSettings changeFlow(UnaryOperator<FlowSettings> change) {
        return intents.changeFlow(change);
    }

    // --- user intents ---

    @Override
    public List<String> retry(Collection<String> ids) {
        return intents.retry(ids);
    }

    @Override
    public List<String> retryFailed() {
        return intents.retryFailed();
    }

    @Override
    public TaskRun review(String id, CodeRun.Review verdict, String feedback) {
        return intents.review(id, verdict, feedback);
    }

    @Override
    public Cancellation cancel(String id) {
        return intents.cancel(id);
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
}
