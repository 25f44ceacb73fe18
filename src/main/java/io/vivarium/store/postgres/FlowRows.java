package io.vivarium.store.postgres;

import io.vivarium.store.QueueStatus;
import io.vivarium.task.FlowRoom;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.Money;
import io.vivarium.task.QueueLimits;
import io.vivarium.task.QueueName;
import io.vivarium.task.Rate;
import io.vivarium.task.Summary;
import io.vivarium.task.TaskStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The flow settings as rows: the workspace's pause on the state row, each limited queue's limits in
 * {@code vivarium_queue}, and on the state row {@code flow_active}, which every commit reads with its start version
 * ({@link Tx#startFlowActive}) so that a claim with nothing set never looks further. A change locks the state row
 * first, as a claim under limits does ({@link FlowClaiming}), so the two take turns; it ends by announcing a new
 * version, which wakes every waiting pool. A claim without limits locks nothing: one whose start was read just before
 * the first setting committed claims as the settings stood then, as if it had committed first (milliseconds; its
 * starts are then missing from a rate set in that moment).
 */
final class FlowRows {

    private static final String LOCK = "SELECT paused FROM vivarium_state FOR UPDATE";
    private static final String PAUSED = "SELECT paused FROM vivarium_state";
    private static final String QUEUES = """
            SELECT name, concurrency, rate_starts, rate_period_ms, paused FROM vivarium_queue ORDER BY name""";
    private static final String WRITE_STATE = "UPDATE vivarium_state SET paused = ?, flow_active = ?";
    private static final String DROP_QUEUES = "DELETE FROM vivarium_queue WHERE NOT (name = ANY (?::text[]))";
    private static final String WRITE_QUEUE = """
            INSERT INTO vivarium_queue (name, concurrency, rate_starts, rate_period_ms, paused) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET concurrency = EXCLUDED.concurrency, rate_starts = EXCLUDED.rate_starts,
                                             rate_period_ms = EXCLUDED.rate_period_ms, paused = EXCLUDED.paused""";
    private static final String RUNNING = """
            SELECT queue, count(*) AS running FROM vivarium_task
             WHERE status = 'in_progress' AND queue = ANY (?::text[]) GROUP BY queue""";
    private static final String BY_QUEUE = """
            SELECT queue, status, count(*) AS tasks, coalesce(sum(budget_used), 0) AS budget
              FROM vivarium_task GROUP BY queue, status""";

    private FlowRows() {
    }

    /** Holds the state row until the transaction ends: claims under limits and changes of them take turns. */
    static void lock(Tx tx) throws SQLException {
        try (PreparedStatement ps = tx.prepare(LOCK); ResultSet rs = ps.executeQuery()) {
            rs.next();
        }
    }

    /** The settings as committed (or as this transaction wrote them). */
    static FlowSettings settings(Connection c) throws SQLException {
        boolean paused;
        try (PreparedStatement ps = c.prepareStatement(PAUSED); ResultSet rs = ps.executeQuery()) {
            rs.next();
            paused = rs.getBoolean("paused");
        }
        Map<String, QueueLimits> queues = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(QUEUES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Integer concurrency = rs.getObject("concurrency", Integer.class);
                Integer starts = rs.getObject("rate_starts", Integer.class);
                Rate rate = starts == null ? null
                        : new Rate(starts, Duration.ofMillis(rs.getLong("rate_period_ms")));
                queues.put(rs.getString("name"), new QueueLimits(concurrency, rate, rs.getBoolean("paused")));
            }
        }
        return new FlowSettings(paused, queues);
    }

    /** Applies {@code change} to the settings as they stand, locked, and writes what it returns if it differs. */
    static FlowSettings change(Tx tx, UnaryOperator<FlowSettings> change) throws SQLException {
        lock(tx);
        FlowSettings before = settings(tx.connection);
        FlowSettings after = change.apply(before);
        if (after == null || after.equals(before)) {
            return before;
        }
        write(tx, after);
        List<String> gained = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        for (String queue : union(before, after)) {
            boolean had = before.of(queue).rate() != null;
            boolean has = after.of(queue).rate() != null;
            if (has && !had) {
                gained.add(queue);
            } else if (had && !has) {
                lost.add(queue);
            }
        }
        StartRows.forget(tx, lost);
        StartRows.seed(tx, gained);
        tx.changed();
        return after;
    }

    private static List<String> union(FlowSettings a, FlowSettings b) {
        TreeMap<String, Boolean> names = new TreeMap<>();
        a.queues().keySet().forEach(q -> names.put(q, true));
        b.queues().keySet().forEach(q -> names.put(q, true));
        return List.copyOf(names.keySet());
    }

    private static void write(Tx tx, FlowSettings flow) throws SQLException {
        try (PreparedStatement ps = tx.prepare(DROP_QUEUES)) {
            ps.setArray(1, tx.texts(flow.queues().keySet()));
            ps.executeUpdate();
        }
        if (!flow.queues().isEmpty()) {
            try (PreparedStatement ps = tx.prepare(WRITE_QUEUE)) {
                for (Map.Entry<String, QueueLimits> e : flow.queues().entrySet()) {
                    QueueLimits limits = e.getValue();
                    ps.setString(1, e.getKey());
                    ps.setObject(2, limits.concurrency(), Types.INTEGER);
                    ps.setObject(3, limits.rate() == null ? null : limits.rate().starts(), Types.INTEGER);
                    ps.setObject(4, limits.rate() == null ? null : limits.rate().period().toMillis(), Types.BIGINT);
                    ps.setBoolean(5, limits.paused());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        try (PreparedStatement ps = tx.prepare(WRITE_STATE)) {
            ps.setBoolean(1, flow.paused());
            ps.setBoolean(2, flow.isActive());
            ps.executeUpdate();
        }
    }

    /**
     * What {@code flow} leaves room for at {@code now}: the running tasks of each queue with a concurrency limit,
     * and the recent starts of each with a rate (only the last as many as it allows: all a rate asks).
     */
    static FlowRoom room(Connection c, FlowSettings flow, Instant now) throws SQLException {
        if (!flow.isActive()) {
            return FlowRoom.NONE;
        }
        List<String> limited = new ArrayList<>();
        Map<String, List<Instant>> starts = new HashMap<>();
        for (Map.Entry<String, QueueLimits> e : flow.queues().entrySet()) {
            if (e.getValue().concurrency() != null) {
                limited.add(e.getKey());
            }
            if (e.getValue().rate() != null) {
                starts.put(e.getKey(), StartRows.recent(c, e.getKey(), e.getValue().rate(), now));
            }
        }
        Map<String, Integer> running = new HashMap<>();
        if (!limited.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(RUNNING)) {
                ps.setArray(1, c.createArrayOf("text", limited.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        running.put(rs.getString("queue"), rs.getInt("running"));
                    }
                }
            }
        }
        return FlowRoom.of(flow, now, q -> running.getOrDefault(q, 0), q -> starts.getOrDefault(q, List.of()));
    }

    /**
     * Every queue that holds a task or has limits, counted by the database ({@link QueueStatus#of}'s order and
     * figures, without reading a task).
     */
    static List<QueueStatus> queues(Connection c) throws SQLException {
        FlowSettings flow = settings(c);
        Map<String, Map<TaskStatus, Integer>> counts = new TreeMap<>();
        Map<String, Double> budgets = new HashMap<>();
        counts.put(QueueName.DEFAULT, new EnumMap<>(TaskStatus.class));
        flow.queues().keySet().forEach(q -> counts.put(q, new EnumMap<>(TaskStatus.class)));
        try (PreparedStatement ps = c.prepareStatement(BY_QUEUE); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String queue = rs.getString("queue");
                counts.computeIfAbsent(queue, q -> new EnumMap<>(TaskStatus.class))
                        .put(TaskStatus.parse(rs.getString("status")), rs.getInt("tasks"));
                budgets.merge(queue, rs.getDouble("budget"), Double::sum);
            }
        }
        List<QueueStatus> all = new ArrayList<>();
        all.add(status(QueueName.DEFAULT, counts.remove(QueueName.DEFAULT), budgets, flow));
        counts.forEach((queue, byStatus) -> all.add(status(queue, byStatus, budgets, flow)));
        return List.copyOf(all);
    }

    private static QueueStatus status(String queue, Map<TaskStatus, Integer> byStatus, Map<String, Double> budgets,
                                      FlowSettings flow) {
        int total = byStatus.values().stream().mapToInt(Integer::intValue).sum();
        Summary tasks = new Summary(total, byStatus.getOrDefault(TaskStatus.COMPLETED, 0),
                byStatus.getOrDefault(TaskStatus.IN_PROGRESS, 0), byStatus.getOrDefault(TaskStatus.PENDING, 0),
                byStatus.getOrDefault(TaskStatus.FAILED, 0), byStatus.getOrDefault(TaskStatus.BLOCKED, 0),
                byStatus.getOrDefault(TaskStatus.CANCELLED, 0), Money.round(budgets.getOrDefault(queue, 0.0)));
        QueueLimits limits = flow.of(queue);
        return new QueueStatus(queue, tasks, limits, flow.paused() || limits.paused());
    }
}
