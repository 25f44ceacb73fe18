package io.vivarium.store.postgres;

import io.vivarium.spend.SpendLimit;
import io.vivarium.store.Lease;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.store.postgres.Claiming.Claimed;
import io.vivarium.task.FlowRoom;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.Money;
import io.vivarium.task.StartRule;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The claim while a flow setting is set (a pause, a queue's concurrency, rate or pause): {@link Claiming}'s rule
 * plus {@link FlowRoom#check}, asked as {@link StartRule} asks it, after the timed part and before the budget. Taken
 * only when the commit's start read found {@code flow_active} ({@link Tx#startFlowActive}), so that without
 * settings a claim costs what it always did.
 *
 * <p>The state row is locked first, so that claims under limits in any number of processes take turns and each
 * sees the others' starts; a change of the settings locks it too. The runnable rows are read in claim order with
 * the queues that have no room left out ({@code closed}), each claim counted at once ({@link FlowRoom#afterStarting}),
 * so a queue that fills closes for the rows behind it; under a spend ceiling only caps that fit are read, as in
 * {@link Claiming}. The starts of rate-limited queues are written in the same transaction ({@link StartRows}).
 */
final class FlowClaiming {

    private static final String OPEN = " AND NOT (t.queue = ANY (?::text[]))";
    private static final String PICK = "SELECT " + TaskRow.COLUMNS + Claiming.RUNNABLE + OPEN
            + " AND t.max_budget <= ? AND NOT (t.seq = ANY (?::bigint[]))" + Claiming.IN_ORDER
            + " LIMIT ? FOR UPDATE OF t SKIP LOCKED";
    private static final String ANY_FITTING = "SELECT 1" + Claiming.RUNNABLE + OPEN + " AND t.max_budget <= ? LIMIT 1";
    private static final String ANY_TOO_BIG = "SELECT 1" + Claiming.RUNNABLE + OPEN + " AND t.max_budget > ? LIMIT 1";
    private static final String ANY_IN = "SELECT 1" + Claiming.RUNNABLE + " AND t.queue = ? LIMIT 1";
    private static final String ANY_DUE = "SELECT 1" + Claiming.RUNNABLE + " LIMIT 1";

    /**
     * The claim, and the first moment a queue's rate lets a runnable task it holds back start (null: none);
     * {@code heldByPause}: a task that is due now waits for a resume (of the workspace or of its queue), so a batch
     * waits for it as for a retry, as the file store answers.
     */
    record Result(Claimed claimed, Instant rateFrees, boolean heldByPause) {
    }

    private FlowClaiming() {
    }

    static Result claim(Tx tx, WorkerIdentity worker, int ownerKey, int max, Optional<SpendLimit> processLimit)
            throws SQLException {
        if (max > 0) {
            FlowRows.lock(tx);
        }
        FlowSettings settings = FlowRows.settings(tx.connection);
        if (!settings.isActive()) {
            // Removed since the start was read: claim as without them.
            return new Result(Claiming.claim(tx, worker, ownerKey, max, processLimit), null, false);
        }
        if (settings.paused()) {
            // Nothing new starts; the finishes before this were recorded all the same.
            return new Result(new Claimed(List.of(), false, false, Optional.empty()), null, anyDue(tx));
        }
        FlowRoom flow = FlowRows.room(tx.connection, settings, tx.now);
        // Read after the lock, so every reservation committed before it is in; the finishes above are applied.
        OptionalLong ceiling = Spending.read(tx.connection).apply(tx.pendingSpend(), tx.now).room(processLimit);
        long room = ceiling.orElse(Long.MAX_VALUE);
        Set<String> closed = new LinkedHashSet<>();
        for (String queue : settings.queues().keySet()) {
            if (!flow.check(queue, tx.now).mayStart()) {
                closed.add(queue);
            }
        }
        List<TaskRow> picked = new ArrayList<>();
        List<String> rateStarts = new ArrayList<>();
        // Rows this transaction has looked at: it locked them, so SKIP LOCKED would not skip them.
        List<Long> seen = new ArrayList<>();
        while (picked.size() < max && room > 0) {
            List<TaskRow> candidates = pick(tx, max - picked.size(), room, closed, seen);
            if (candidates.isEmpty()) {
                break;
            }
            // Each query's first candidate may start, so every round takes at least one.
            for (TaskRow row : candidates) {
                seen.add(row.seq());
                String queue = row.task().queueName();
                long cap = Money.micros(row.task().maxBudget());
                if (closed.contains(queue) || cap > room) {
                    continue;
                }
                picked.add(row);
                room -= cap;
                flow = flow.afterStarting(queue, tx.now);
                if (settings.of(queue).rate() != null) {
                    rateStarts.add(queue);
                }
                if (!flow.check(queue, tx.now).mayStart()) {
                    closed.add(queue);
                }
            }
        }
        List<Lease> leases = Claiming.take(tx, worker, ownerKey, picked);
        StartRows.record(tx, rateStarts);
        boolean left = (max == 0 || leases.size() == max) && exists(tx, ANY_FITTING, closed, room);
        boolean waitingForBudget = ceiling.isPresent() && exists(tx, ANY_TOO_BIG, closed, room);
        boolean heldByPause = false;
        for (String queue : closed) {
            heldByPause = heldByPause || settings.of(queue).paused() && anyRunnableIn(tx, queue);
        }
        return new Result(new Claimed(leases, left, waitingForBudget, Optional.empty()), rateFrees(tx, flow, closed),
                heldByPause);
    }

    /** The earlier of the timeline's next end and the moment a rate frees, if either. */
    static Optional<Instant> earlier(Optional<Instant> timeline, Instant rateFrees) {
        if (rateFrees == null) {
            return timeline;
        }
        return Optional.of(timeline.filter(end -> end.isBefore(rateFrees)).orElse(rateFrees));
    }

    /** The first moment a rate lets one of the closed queues start a task again, among those with one waiting. */
    private static Instant rateFrees(Tx tx, FlowRoom flow, Set<String> closed) throws SQLException {
        Instant first = null;
        for (String queue : closed) {
            Instant until = flow.check(queue, tx.now).until();
            if (until != null && (first == null || until.isBefore(first)) && anyRunnableIn(tx, queue)) {
                first = until;
            }
        }
        return first;
    }

    private static boolean anyDue(Tx tx) throws SQLException {
        try (PreparedStatement ps = tx.prepare(ANY_DUE)) {
            ps.setObject(1, Tx.time(tx.now));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean anyRunnableIn(Tx tx, String queue) throws SQLException {
        try (PreparedStatement ps = tx.prepare(ANY_IN)) {
            ps.setObject(1, Tx.time(tx.now));
            ps.setString(2, queue);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static List<TaskRow> pick(Tx tx, int max, long room, Set<String> closed, List<Long> seen)
            throws SQLException {
        try (PreparedStatement ps = tx.prepare(PICK)) {
            ps.setObject(1, Tx.time(tx.now));
            ps.setArray(2, tx.texts(closed));
            ps.setLong(3, room);
            ps.setArray(4, tx.longs(seen));
            ps.setInt(5, max);
            return Claiming.rows(ps);
        }
    }

    private static boolean exists(Tx tx, String sql, Set<String> closed, long room) throws SQLException {
        try (PreparedStatement ps = tx.prepare(sql)) {
            ps.setObject(1, Tx.time(tx.now));
            ps.setArray(2, tx.texts(closed));
            ps.setLong(3, room);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
