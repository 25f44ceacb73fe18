package io.vivarium.store.postgres;

import io.vivarium.store.Lease;
import io.vivarium.store.WorkerIdentity;
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

/**
 * Claims runnable tasks for a worker pool: pending, past any backoff, every dependency completed; high priority
 * first, then queue order. The rows are taken with {@code FOR UPDATE SKIP LOCKED}, so pools on many machines claim
 * at once without waiting on each other and never take the same task; each claim gets a fence of its own.
 */
final class Claiming {

    private static final String RUNNABLE = """
             FROM vivarium_task t
            WHERE t.status = 'pending' AND (t.not_before IS NULL OR t.not_before <= ?)
              AND (t.depends_on = '{}' OR cardinality(t.depends_on) = (SELECT count(*) FROM vivarium_task d
                                                 WHERE d.id = ANY (t.depends_on) AND d.status = 'completed'))
            ORDER BY t.priority, t.seq""";
    private static final String PICK = "SELECT " + TaskRow.COLUMNS + RUNNABLE + " LIMIT ? FOR UPDATE OF t SKIP LOCKED";
    private static final String ANY_LEFT = "SELECT 1" + RUNNABLE + " LIMIT 1";
    private static final String CLAIM = """
            UPDATE vivarium_task t
               SET run = u.run::json, logged = coalesce(t.logged, u.logged), status = 'in_progress', not_before = NULL, budget_used = 0,
                   fence = nextval('vivarium_fence'), owner_key = ?, worker_id = ?, claim_pid = ?, claim_host = ?,
                   claimed_at = ?, heartbeat_at = ?, grind_pid = NULL, grind_started_at = NULL
              FROM (SELECT x.*, nextval('vivarium_logged') AS logged
                      FROM unnest(?::bigint[], ?::text[]) AS x(seq, run)) AS u
             WHERE t.seq = u.seq
            RETURNING t.seq, t.fence""";
    private static final String NEXT_BACKOFF_END = """
            SELECT min(not_before) AS next FROM vivarium_task
             WHERE status = 'pending' AND not_before IS NOT NULL AND not_before > ?""";

    /** The leases taken, and whether runnable tasks were left for lack of room. */
    record Claimed(List<Lease> leases, boolean runnableLeft) {
    }

    private Claiming() {
    }

    static Claimed claim(Tx tx, WorkerIdentity worker, int ownerKey, int max) throws SQLException {
        List<TaskRow> picked = max > 0 ? pick(tx, max) : List.of();
        if (picked.isEmpty()) {
            return new Claimed(List.of(), max == 0 && anyLeft(tx));
        }
        List<Long> seqs = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        List<TaskRun> claimedRuns = new ArrayList<>();
        for (TaskRow row : picked) {
            TaskRun claimed = row.runOrPending().claim(row.id(), worker.workerId(), tx.now);
            seqs.add(row.seq());
            runs.add(Documents.json(claimed));
            claimedRuns.add(claimed);
        }
        Map<Long, Long> fences = new HashMap<>();
        try (PreparedStatement ps = tx.prepare(CLAIM)) {
            ps.setInt(1, ownerKey);
            ps.setString(2, worker.workerId());
            ps.setLong(3, worker.pid());
            ps.setString(4, worker.host());
            ps.setObject(5, Tx.time(tx.now));
            ps.setObject(6, Tx.time(tx.now));
            ps.setArray(7, tx.longs(seqs));
            ps.setArray(8, tx.texts(runs));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    fences.put(rs.getLong("seq"), rs.getLong("fence"));
                }
            }
        }
        tx.changed();
        List<Lease> leases = new ArrayList<>();
        for (int i = 0; i < picked.size(); i++) {
            TaskRow row = picked.get(i);
            leases.add(new Lease(row.task(), claimedRuns.get(i).attempts(), worker, fences.get(row.seq())));
        }
        return new Claimed(leases, leases.size() == max && anyLeft(tx));
    }

    /** The earliest end of a backoff still ahead, if any pending task is waiting on one. */
    static Optional<Instant> nextBackoffEnd(Tx tx) throws SQLException {
        try (PreparedStatement ps = tx.prepare(NEXT_BACKOFF_END)) {
            ps.setObject(1, Tx.time(tx.now));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Optional.ofNullable(Tx.instant(rs, "next"));
            }
        }
    }

    private static List<TaskRow> pick(Tx tx, int max) throws SQLException {
        List<TaskRow> rows = new ArrayList<>();
        try (PreparedStatement ps = tx.prepare(PICK)) {
            ps.setObject(1, Tx.time(tx.now));
            ps.setInt(2, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(TaskRow.read(rs));
                }
            }
        }
        return rows;
    }

    /** Whether a runnable task is still unclaimed (one this transaction has not just taken). */
    private static boolean anyLeft(Tx tx) throws SQLException {
        try (PreparedStatement ps = tx.prepare(ANY_LEFT)) {
            ps.setObject(1, Tx.time(tx.now));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
