package io.vivarium.store.postgres;

import io.vivarium.spend.SpendChange;
import io.vivarium.spend.SpendLedger;
import io.vivarium.spend.SpendLimit;
import io.vivarium.store.Lease;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.task.Money;
import io.vivarium.task.StartRule;
import io.vivarium.task.TaskRun;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Claims the tasks {@link StartRule} lets start, for a worker pool: pending, every dependency completed, past any
 * backoff, fitting under the spend ceiling; high priority first, then queue order. The rows are taken with {@code FOR UPDATE SKIP LOCKED}, so pools on many machines claim
 * at once without waiting on each other and never take the same task; each claim gets a fence of its own.
 *
 * <p>Under a spend ceiling the state row is locked first ({@link Spending#readLocked}), so claims that reserve
 * budget take turns, and only tasks whose {@code max_budget} fits in the room left are taken, as
 * {@link SpendLedger#fits} says; the reservations reach the ledger in this same transaction.
 */
final class Claiming {

    // StartRule in SQL, part by part; StartRuleAgreement holds the two to each other on random queues.
    /**
     * {@link StartRule#timed}: past any retry backoff and the task's time (its run_at, or a recurring task's next
     * occurrence). {@code not_before} holds {@link StartRule#timedUntil}, written with every run entry and definition.
     * The one parameter, now.
     */
    private static final String TIMED = "(t.not_before IS NULL OR t.not_before <= ?)";
    /**
     * {@link StartRule#standing}: pending, and every dependency completed (a missing one never is). {@code deps_left}
     * counts the dependencies not completed (see V4__dependencies_left.sql; {@link RunWrites} and {@link Definitions}
     * keep it), so a claim reads one column instead of looking up each candidate's dependencies, and the index
     * {@code vivarium_task_ready} holds exactly the rows this part lets through.
     */
    private static final String STANDING = "t.status = 'pending' AND t.deps_left = 0";
    static final String RUNNABLE = " FROM vivarium_task t WHERE " + TIMED + " AND " + STANDING;
    /** {@code Scheduling.CLAIM_ORDER}: priority, then queue order. */
    static final String IN_ORDER = " ORDER BY t.priority, t.seq";
    /** {@link StartRule#fits}, with the rows this claim has already looked at left out. */
    private static final String FITTING = " AND t.max_budget <= ? AND NOT (t.seq = ANY (?::bigint[]))";
    /** Package-private for ClaimProbe, which explains it. */
    static final String PICK = "SELECT " + TaskRow.COLUMNS + RUNNABLE + IN_ORDER
            + " LIMIT ? FOR UPDATE OF t SKIP LOCKED";
    /**
     * {@link #PICK} as a commit's first statement: it reads the transaction's start beside the rows (a round trip
     * saved), and picks nothing when the store keeps a spend limit, under which the claim picks with
     * {@link #PICK_FITTING}, or a flow setting is set ({@link FlowClaiming} claims then). Always one row; the task's
     * columns are null when none was picked.
     */
    private static final String PICK_WITH_START = "SELECT s.*, p.* FROM (" + Tx.START + ") s LEFT JOIN LATERAL (SELECT "
            + TaskRow.COLUMNS + RUNNABLE + " AND s.start_limit IS NULL AND NOT s.start_flow_active" + IN_ORDER
            + " LIMIT ? FOR UPDATE OF t SKIP LOCKED) p ON true";
    private static final String PICK_FITTING = "SELECT " + TaskRow.COLUMNS + RUNNABLE + FITTING + IN_ORDER
            + " LIMIT ? FOR UPDATE OF t SKIP LOCKED";
    /**
     * The rows this claim takes, left out by the questions asked after it ({@link Outlook}): asked in the same
     * statement as the take, they see those rows as they were before it.
     */
    private static final String NOT_TAKEN = " AND NOT (t.seq = ANY (?::bigint[]))";
    private static final String ANY_LEFT = "SELECT 1" + RUNNABLE + NOT_TAKEN + IN_ORDER + " LIMIT 1";
    private static final String ANY_FITTING = "SELECT 1" + RUNNABLE + " AND t.max_budget <= ?" + NOT_TAKEN + " LIMIT 1";
    private static final String ANY_TOO_BIG = "SELECT 1" + RUNNABLE + " AND t.max_budget > ?" + NOT_TAKEN + " LIMIT 1";
    private static final String COUNT_TOO_BIG = "SELECT count(*)" + RUNNABLE + " AND t.max_budget > ?";
    private static final String CLAIM = """
            UPDATE vivarium_task t
               SET run = u.run::json, logged = coalesce(t.logged, u.logged), status = 'in_progress', not_before = NULL, budget_used = 0,
                   fence = nextval('vivarium_fence'), owner_key = ?, worker_id = ?, claim_pid = ?, claim_host = ?,
                   claimed_at = ?, heartbeat_at = ?, grind_pid = NULL, grind_started_at = NULL
              FROM (SELECT x.*, nextval('vivarium_logged') AS logged
                      FROM unnest(?::bigint[], ?::text[]) AS x(seq, run)) AS u
             WHERE t.seq = u.seq
            RETURNING t.seq, t.fence""";
    private static final String RETRIES_WAITING = """
            SELECT 1 FROM vivarium_task
             WHERE status = 'pending' AND not_before IS NOT NULL AND not_before > ?
               AND (run->>'not_before') IS NOT NULL AND (run->>'not_before')::timestamptz >= not_before
             LIMIT 1""";
    private static final String NEXT_BACKOFF_END = """
            SELECT min(not_before) FROM vivarium_task
             WHERE status = 'pending' AND not_before IS NOT NULL AND not_before > ?""";

    /**
     * The leases taken, whether runnable tasks that fit were left for lack of room, whether runnable tasks were
     * left because they do not fit under the spend ceiling, and the earliest end of a backoff still ahead.
     */
    record Claimed(List<Lease> leases, boolean runnableLeft, boolean waitingForBudget,
                   Optional<Instant> nextBackoffEnd) {
    }

    /** What a claim learns after taking its rows: see {@link Ask}. */
    private record Outlook(boolean runnableLeft, boolean tooBig, Optional<Instant> nextBackoffEnd) {
    }

    /**
     * What a claim asks after taking its rows, in the take's own statement when it takes any, else alone (a
     * commit's round trips are its cost): whether a runnable task is left ({@code left}, one of the ANY_ queries, or
     * null when not asked), whether one is too big for the room ({@code tooBig}, ANY_TOO_BIG, or null), and
     * {@link #NEXT_BACKOFF_END}. {@code room} is the parameter of those that take one.
     */
    private record Ask(String left, String tooBig, Long room) {

        /** For a SELECT or RETURNING list. */
        String columns() {
            return exists(left) + " AS runnable_left, " + exists(tooBig) + " AS too_big, (" + NEXT_BACKOFF_END
                    + ") AS next";
        }

        /** Binds the parameters of {@link #columns()} from {@code at}; returns the next free index. */
        int bind(PreparedStatement ps, int at, Tx tx, List<Long> taken) throws SQLException {
            int i = at;
            for (String part : new String[] {left, tooBig}) {
                if (part != null) {
                    ps.setObject(i++, Tx.time(tx.now));
                    if (!part.equals(ANY_LEFT)) {
                        ps.setLong(i++, room);
                    }
                    ps.setArray(i++, tx.longs(taken));
                }
            }
            ps.setObject(i++, Tx.time(tx.now));
            return i;
        }

        Outlook read(ResultSet rs) throws SQLException {
            return new Outlook(rs.getBoolean("runnable_left"), rs.getBoolean("too_big"),
                    Optional.ofNullable(Tx.instant(rs, "next")));
        }

        /** Asked alone, when nothing was taken. */
        Outlook readAlone(Tx tx) throws SQLException {
            try (PreparedStatement ps = tx.prepare("SELECT " + columns())) {
                bind(ps, 1, tx, List.of());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return read(rs);
                }
            }
        }

        private static String exists(String query) {
            return query == null ? "false" : "EXISTS (" + query + ")";
        }
    }

    /** The leases a take made, and what it learnt in the same statement. */
    private record Taken(List<Lease> leases, Outlook outlook) {
    }

    private Claiming() {
    }

    static Claimed claim(Tx tx, WorkerIdentity worker, int ownerKey, int max, Optional<SpendLimit> processLimit)
            throws SQLException {
        // The start is read first (Tx.readStartVersion): by Finishing's statement, or here by the pick, or alone.
        List<TaskRow> pickedWithStart = null;
        boolean startReadHere = !tx.startRead();
        if (startReadHere && processLimit.isEmpty() && max > 0) {
            pickedWithStart = pickWithStart(tx, max);
        } else if (startReadHere) {
            tx.readStartVersion();
        }
        if (startReadHere && tx.startFlowActive()) {
            // A flow setting is set (the pick took nothing then): the commit claims through FlowClaiming instead.
            return new Claimed(List.of(), false, false, Optional.empty());
        }
        Optional<SpendLimit> storeLimit = tx.startSpendLimit();
        if (SpendLimit.tighter(storeLimit, processLimit).isEmpty()) {
            List<TaskRow> picked = pickedWithStart != null ? pickedWithStart : max > 0 ? pick(tx, max) : List.of();
            // Fewer taken than asked: nothing runnable was left to take.
            Taken taken = take(tx, worker, ownerKey, picked,
                    new Ask(max == 0 || picked.size() == max ? ANY_LEFT : null, null, null));
            return new Claimed(taken.leases(), taken.outlook().runnableLeft(), false,
                    taken.outlook().nextBackoffEnd());
        }
        // Locked when claiming: the room must not shrink under this transaction by another's claims.
        SpendLedger ledger = max > 0 ? Spending.readLocked(tx)
                : Spending.read(tx.connection).apply(tx.pendingSpend(), tx.now);
        OptionalLong roomLeft = ledger.room(processLimit);
        if (roomLeft.isEmpty()) {
            // The limit was removed since the start: claim as without one, next time.
            Outlook outlook = new Ask(ANY_LEFT, null, null).readAlone(tx);
            return new Claimed(List.of(), outlook.runnableLeft(), false, outlook.nextBackoffEnd());
        }
        long room = roomLeft.getAsLong();
        List<TaskRow> picked = new ArrayList<>();
        List<Long> tooBig = new ArrayList<>();
        // Rows this transaction has looked at: picked ones are locked by it, so SKIP LOCKED would not skip them.
        List<Long> seen = new ArrayList<>();
        while (picked.size() < max && room > 0) {
            List<TaskRow> candidates = pickFitting(tx, max - picked.size(), room, seen);
            if (candidates.isEmpty()) {
                break;
            }
            // Each query's first candidate fits, so every round takes at least one.
            for (TaskRow row : candidates) {
                long cap = Money.micros(row.task().maxBudget());
                seen.add(row.seq());
                if (cap <= room) {
                    picked.add(row);
                    room -= cap;
                } else {
                    tooBig.add(row.seq());
                }
            }
        }
        Taken taken = take(tx, worker, ownerKey, picked, new Ask(max == 0 || picked.size() == max ? ANY_FITTING : null,
                tooBig.isEmpty() ? ANY_TOO_BIG : null, room));
        return new Claimed(taken.leases(), taken.outlook().runnableLeft(), !tooBig.isEmpty() || taken.outlook().tooBig(),
                taken.outlook().nextBackoffEnd());
    }

    /** How many runnable tasks do not fit in {@code room} (micro-dollars); for reports, not for commits. */
    static long countTooBig(Tx tx, OptionalLong room) throws SQLException {
        if (room.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = tx.prepare(COUNT_TOO_BIG)) {
            ps.setObject(1, Tx.time(tx.now));
            ps.setLong(2, room.getAsLong());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Whether a pending task waits out a retry backoff, not for its time: the entry's own backoff is still ahead.
     * Asked only by a pool with nothing to claim, to tell a batch that must wait from one that is done.
     */
    static boolean retriesWaiting(Tx tx) throws SQLException {
        try (PreparedStatement ps = tx.prepare(RETRIES_WAITING)) {
            ps.setObject(1, Tx.time(tx.now));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The earliest end of a backoff still ahead, if any pending task is waiting on one (for {@link FlowClaiming}'s
     * commits; {@link #claim} answers it with its take).
     */
    static Optional<Instant> nextBackoffEnd(Tx tx) throws SQLException {
        try (PreparedStatement ps = tx.prepare("SELECT (" + NEXT_BACKOFF_END + ") AS next")) {
            ps.setObject(1, Tx.time(tx.now));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Optional.ofNullable(Tx.instant(rs, "next"));
            }
        }
    }

    /** Claims these rows, each with a fence of its own, and reserves their caps in the ledger. */
    static List<Lease> take(Tx tx, WorkerIdentity worker, int ownerKey, List<TaskRow> picked) throws SQLException {
        return take(tx, worker, ownerKey, picked, null).leases();
    }

    /**
     * {@link #take(Tx, WorkerIdentity, int, List)}, asking {@code ask} (if not null) in the same statement, or
     * alone if no row is taken.
     */
    private static Taken take(Tx tx, WorkerIdentity worker, int ownerKey, List<TaskRow> picked, Ask ask)
            throws SQLException {
        if (picked.isEmpty()) {
            return new Taken(List.of(), ask == null ? null : ask.readAlone(tx));
        }
        List<Long> seqs = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        List<TaskRun> claimedRuns = new ArrayList<>();
        for (TaskRow row : picked) {
            TaskRun claimed = row.runOrPending().claim(row.id(), worker.workerId(), tx.now);
            seqs.add(row.seq());
            runs.add(Documents.json(claimed));
            claimedRuns.add(claimed);
            tx.spend(SpendChange.of(row.task(), row.run(), claimed));
        }
        Map<Long, Long> fences = new HashMap<>();
        Outlook outlook = null;
        try (PreparedStatement ps = tx.prepare(ask == null ? CLAIM : CLAIM + ", " + ask.columns())) {
            ps.setInt(1, ownerKey);
            ps.setString(2, worker.workerId());
            ps.setLong(3, worker.pid());
            ps.setString(4, worker.host());
            ps.setObject(5, Tx.time(tx.now));
            ps.setObject(6, Tx.time(tx.now));
            ps.setArray(7, tx.longs(seqs));
            ps.setArray(8, tx.texts(runs));
            if (ask != null) {
                ask.bind(ps, 9, tx, seqs);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    fences.put(rs.getLong("seq"), rs.getLong("fence"));
                    outlook = ask == null ? null : ask.read(rs);
                }
            }
        }
        tx.changed();
        List<Lease> leases = new ArrayList<>();
        for (int i = 0; i < picked.size(); i++) {
            TaskRow row = picked.get(i);
            leases.add(new Lease(row.task(), claimedRuns.get(i).attempts(), worker, fences.get(row.seq())));
        }
        return new Taken(leases, outlook);
    }

    private static List<TaskRow> pick(Tx tx, int max) throws SQLException {
        try (PreparedStatement ps = tx.prepare(PICK)) {
            ps.setObject(1, Tx.time(tx.now));
            ps.setInt(2, max);
            return rows(ps);
        }
    }

    private static List<TaskRow> pickWithStart(Tx tx, int max) throws SQLException {
        List<TaskRow> rows = new ArrayList<>();
        try (PreparedStatement ps = tx.prepare(PICK_WITH_START)) {
            ps.setObject(1, Tx.time(tx.now));
            ps.setInt(2, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tx.readStart(rs);
                    if (rs.getObject("seq") != null) {
                        rows.add(TaskRow.read(rs));
                    }
                }
            }
        }
        return rows;
    }

    private static List<TaskRow> pickFitting(Tx tx, int max, long room, List<Long> excluded) throws SQLException {
        try (PreparedStatement ps = tx.prepare(PICK_FITTING)) {
            ps.setObject(1, Tx.time(tx.now));
            ps.setLong(2, room);
            ps.setArray(3, tx.longs(excluded));
            ps.setInt(4, max);
            return rows(ps);
        }
    }

    static List<TaskRow> rows(PreparedStatement ps) throws SQLException {
        List<TaskRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(TaskRow.read(rs));
            }
        }
        return rows;
    }
}
