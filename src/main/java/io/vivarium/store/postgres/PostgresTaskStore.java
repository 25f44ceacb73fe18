package io.vivarium.store.postgres;

import io.vivarium.spend.SpendLedger;
import io.vivarium.spend.SpendLimit;
import io.vivarium.spend.SpendStatus;
import io.vivarium.store.Claim;
import io.vivarium.store.CommitResult;
import io.vivarium.store.Finish;
import io.vivarium.store.Lease;
import io.vivarium.store.Loading;
import io.vivarium.store.Snapshot;
import io.vivarium.store.StaleClaim;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.Takeover;
import io.vivarium.store.TaskEntry;
import io.vivarium.store.TaskPage;
import io.vivarium.store.TaskQuery;
import io.vivarium.store.TaskStore;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.store.postgres.Claiming.Claimed;
import io.vivarium.store.QueueStatus;
import io.vivarium.task.CodeRun;
import io.vivarium.task.FlowRoom;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.TaskRun;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import io.vivarium.task.Pruning;
import io.vivarium.task.TaskKeys;
import io.vivarium.task.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The PostgreSQL store: one queue shared by workers on many machines. Each operation is one transaction, and the
 * task model's intent methods compute every new state, as in the file store; the rows carry the same JSON as the
 * workspace files. The work is split by operation: {@link Claiming}, {@link Finishing}, {@link Dependents},
 * {@link Recovery}, {@link Heartbeats}, {@link UserIntents}, {@link Definitions}, {@link Queries}, {@link Spending},
 * and for queues' limits and pauses {@link FlowRows}, {@link StartRows} and {@link FlowClaiming};
 * liveness and wake-ups are the {@link OwnerSession}'s.
 */
public final class PostgresTaskStore implements TaskStore {

    private final Database database;
    private final StoreSettings settings;
    private final OwnerSession session;

    private PostgresTaskStore(Database database, StoreSettings settings) {
        this.database = database;
        this.settings = settings;
        this.session = new OwnerSession(database);
    }

    /** Connects, and creates or upgrades the schema; fails in one line if the database cannot be used. */
    public static TaskStore open(StoreLocation location, Clock clock, StoreSettings settings) {
        Database database = Database.open(ConnectionSettings.of(location), clock);
        try {
            Schema.migrate(database);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        return new PostgresTaskStore(database, settings);
    }

    // --- reading ---

    @Override
    public Summary summary() {
        return database.read(Queries::summary);
    }

    @Override
    public Optional<TaskEntry> find(String id) {
        return database.read(c -> Queries.find(c, id));
    }

    @Override
    public TaskPage query(TaskQuery query) {
        return database.read(c -> Queries.query(c, query));
    }

    @Override
    public Snapshot snapshot() {
        // In a transaction, so that the rows stream through a cursor.
        return database.change(tx -> Queries.snapshot(tx.connection));
    }

    @Override
    public List<Claim> claims() {
        return database.read(Queries::claims);
    }

    // --- waiting for change ---

    @Override
    public long version() {
        return database.read(Queries::version);
    }

    @Override
    public long awaitChange(long seen, Duration timeout) throws InterruptedException {
        return session.awaitChange(seen, timeout, this::version);
    }

    // --- definitions ---

    @Override
    public void add(List<Task> tasks) {
        addDeduplicated(tasks);
    }

    @Override
    public List<TaskKeys.Answer> addDeduplicated(List<Task> tasks) {
        return tasks.isEmpty() ? List.of() : database.change(tx -> Definitions.add(tx, tasks));
    }

    @Override
    public List<String> prune(Set<TaskStatus> statuses, Instant endedBefore) {
        Set<TaskStatus> asked = Pruning.check(statuses);
        return database.change(tx -> Pruner.prune(tx, asked, endedBefore));
    }

    @Override
    public void load(Snapshot snapshot) {
        Loading.check(snapshot);
        database.change(tx -> {
            Definitions.load(tx, snapshot);
            // A rate counts the starts the loaded entries record, as the file store's would.
            StartRows.reseed(tx, rateLimited(FlowRows.settings(tx.connection)));
            return null;
        });
    }

    @Override
    public ClearResult clear() {
        return database.change(tx -> {
            ClearResult cleared = Definitions.clear(tx);
            StartRows.reseed(tx, List.of());
            return cleared;
        });
    }

    private static List<String> rateLimited(FlowSettings flow) {
        return flow.queues().entrySet().stream().filter(e -> e.getValue().rate() != null).map(Map.Entry::getKey)
                .toList();
    }

    // --- worker lifecycle ---

    @Override
    public CommitResult commit(WorkerIdentity worker, List<Finish> finished, int maxClaims) {
        int ownerKey = maxClaims > 0 ? session.ownerKey() : session.ownerKeyIfStarted();
        return database.change(tx -> {
            // The start version is read by the first statement, Finishing's or the claim's, a round trip saved.
            List<Lease> lost = Finishing.record(tx, finished, settings.retry());
            // A commit without finishes reads the start with its claim's pick, which takes nothing when a flow
            // setting is set: the flow claim below takes them then.
            Claimed claimed = null;
            if (!tx.startRead() || !tx.startFlowActive()) {
                claimed = Claiming.claim(tx, worker, ownerKey, maxClaims, settings.spendLimit());
            }
            Instant rateFrees = null;
            boolean heldByPause = false;
            Optional<Instant> timelineEnd;
            if (tx.startFlowActive()) {
                FlowClaiming.Result flowing = FlowClaiming.claim(tx, worker, ownerKey, maxClaims, settings.spendLimit());
                claimed = flowing.claimed();
                rateFrees = flowing.rateFrees();
                heldByPause = flowing.heldByPause();
                timelineEnd = Claiming.nextBackoffEnd(tx);
            } else {
                timelineEnd = claimed.nextBackoffEnd();
            }
            // A pool wakes when a rate lets a task it held back start; a batch waits for that task, as for a retry.
            Optional<Instant> backoffEnd = FlowClaiming.earlier(timelineEnd, rateFrees);
            // A task a rate or a pause holds back is due, like a retry: a batch waits for it.
            boolean retriesWaiting = rateFrees != null || heldByPause || (timelineEnd.isPresent() && claimed.leases().isEmpty()
                    && !claimed.runnableLeft() && Claiming.retriesWaiting(tx));
            return new CommitResult(claimed.leases(), lost, claimed.runnableLeft(), backoffEnd, tx.version(),
                    claimed.waitingForBudget(), retriesWaiting);
        });
    }

    @Override
    public List<Lease> renew(List<Lease> leases) {
        return leases.isEmpty() ? List.of()
                : database.statement(tx -> Heartbeats.renew(tx, leases, settings.heartbeatInterval()));
    }

    @Override
    public boolean recordGrind(Lease lease, long pid, Instant startedAt) {
        return database.statement(tx -> Heartbeats.recordGrind(tx, lease, pid, startedAt));
    }

    // --- recovery ---

    @Override
    public List<StaleClaim> findStaleClaims() {
        return database.statement(tx -> Recovery.find(tx, session.ownerKeyIfStarted(), settings.lease()));
    }

    @Override
    public List<Takeover> abandon(List<StaleClaim> stale) {
        if (stale.isEmpty()) {
            return List.of();
        }
        return database.change(tx -> Recovery.abandon(tx, session.ownerKeyIfStarted(), settings.lease(), stale));
    }

    // --- spend ---

    @Override
    public SpendStatus spend(Optional<SpendLimit> processLimit) {
        return database.change(tx -> {
            SpendLedger ledger = Spending.withDays(tx.connection, Spending.read(tx.connection));
            return new SpendStatus(ledger, processLimit, Claiming.countTooBig(tx, ledger.room(processLimit)));
        });
    }

    @Override
    public SpendLedger limitSpend(Optional<SpendLimit> limit) {
        return database.change(tx -> Spending.limit(tx, limit));
    }

    // --- user intents ---

    @Override
    public List<String> retry(Collection<String> ids) {
        return database.change(tx -> UserIntents.retry(tx, ids));
    }

    @Override
    public List<String> retryFailed() {
        return database.change(UserIntents::retryFailed);
    }

    @Override
    public TaskRun review(String id, CodeRun.Review verdict, String feedback) {
        return database.change(tx -> UserIntents.review(tx, id, verdict, feedback));
    }

    @Override
    public Cancellation cancel(String id) {
        return database.change(tx -> UserIntents.cancel(tx, id));
    }

    /** Ends the session (its claims' owner is then gone, visibly) and closes the pool. */
    @Override
    public void close() {
        session.close();
        database.close();
    }

    // --- flow control ---

    @Override
    public FlowRoom flow() {
        // A transaction only for its moment (the store's clock), as a claim's; it writes nothing.
        return database.change(tx -> FlowRows.room(tx.connection, FlowRows.settings(tx.connection), tx.now));
    }

    @Override
    public FlowSettings flowSettings() {
        return database.read(FlowRows::settings);
    }

    @Override
    public FlowSettings changeFlow(UnaryOperator<FlowSettings> change) {
        return database.change(tx -> FlowRows.change(tx, change));
    }

    @Override
    public List<QueueStatus> queues() {
        return database.read(FlowRows::queues);
    }
}
