package io.vivarium.store.postgres;

import io.vivarium.store.Claim;
import io.vivarium.store.Snapshot;
import io.vivarium.store.TaskEntry;
import io.vivarium.store.TaskPage;
import io.vivarium.store.TaskQuery;
import io.vivarium.task.Money;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Reading the queue: counts, one task, a filtered page, everything, the claims. Each is one statement or two. */
final class Queries {

    private static final String SUMMARY = """
            SELECT status, count(*) AS tasks, coalesce(sum(budget_used), 0) AS budget
              FROM vivarium_task GROUP BY status""";
    private static final String FIND = "SELECT " + TaskRow.COLUMNS + " FROM vivarium_task WHERE id = ?";
    /**
     * {@link TaskQuery#matches}'s rule: the state, the queue ({@code Task.queueName()}, kept in its column), and the
     * text anywhere in the id or description, any case.
     */
    private static final String MATCHING = """
             FROM vivarium_task
            WHERE (?::text IS NULL OR status = ?::text)
              AND (?::text IS NULL OR queue = ?::text)
              AND (?::text IS NULL OR strpos(lower(id), lower(?::text)) > 0
                   OR strpos(lower(coalesce(description, '')), lower(?::text)) > 0)""";
    private static final String PAGE = "SELECT " + TaskRow.COLUMNS + MATCHING + " ORDER BY seq OFFSET ? LIMIT ?";
    private static final String COUNT = "SELECT count(*)" + MATCHING;
    private static final String ALL = "SELECT id, definition, run, logged FROM vivarium_task ORDER BY seq";
    private static final String CLAIMS = "SELECT " + ClaimColumns.COLUMNS
            + " FROM vivarium_task WHERE status = 'in_progress' ORDER BY seq";
    private static final String VERSION = "SELECT version FROM vivarium_state";

    private Queries() {
    }

    static Summary summary(Connection connection) throws SQLException {
        Map<TaskStatus, Integer> counts = new EnumMap<>(TaskStatus.class);
        double budget = 0;
        try (PreparedStatement ps = connection.prepareStatement(SUMMARY); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(TaskStatus.parse(rs.getString("status")), rs.getInt("tasks"));
                budget += rs.getDouble("budget");
            }
        }
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        return new Summary(total, counts.getOrDefault(TaskStatus.COMPLETED, 0),
                counts.getOrDefault(TaskStatus.IN_PROGRESS, 0), counts.getOrDefault(TaskStatus.PENDING, 0),
                counts.getOrDefault(TaskStatus.FAILED, 0), counts.getOrDefault(TaskStatus.BLOCKED, 0),
                counts.getOrDefault(TaskStatus.CANCELLED, 0), Money.round(budget));
    }

    static Optional<TaskEntry> find(Connection connection, String id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(FIND)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(TaskRow.read(rs).entry()) : Optional.empty();
            }
        }
    }

    static TaskPage query(Connection connection, TaskQuery query) throws SQLException {
        List<TaskEntry> items = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(PAGE)) {
            int next = bindMatching(ps, query);
            ps.setInt(next, query.offset());
            ps.setInt(next + 1, query.limit());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(TaskRow.read(rs).entry());
                }
            }
        }
        long total;
        if (query.offset() == 0 && items.size() < query.limit()) {
            total = items.size();
        } else {
            try (PreparedStatement ps = connection.prepareStatement(COUNT)) {
                bindMatching(ps, query);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
        }
        return new TaskPage(items, total);
    }

    private static int bindMatching(PreparedStatement ps, TaskQuery query) throws SQLException {
        String status = query.status() == null ? null : query.status().wireName();
        ps.setString(1, status);
        ps.setString(2, status);
        ps.setString(3, query.queue());
        ps.setString(4, query.queue());
        ps.setString(5, query.text());
        ps.setString(6, query.text());
        ps.setString(7, query.text());
        return 8;
    }

    /** Tasks in queue order, run entries in the order they were first written, as in the workspace files. */
    static Snapshot snapshot(Connection connection) throws SQLException {
        List<Task> tasks = new ArrayList<>();
        TreeMap<Long, Map.Entry<String, TaskRun>> runsAsLogged = new TreeMap<>();
        try (PreparedStatement ps = connection.prepareStatement(ALL)) {
            // Streamed in batches rather than held whole by the driver; a cursor needs a transaction.
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Task task = Documents.task(rs);
                    tasks.add(task);
                    TaskRun run = Documents.run(rs);
                    if (run != null) {
                        runsAsLogged.put(rs.getLong("logged"), Map.entry(task.id(), run));
                    }
                }
            }
        }
        Map<String, TaskRun> runs = new LinkedHashMap<>();
        runsAsLogged.values().forEach(e -> runs.put(e.getKey(), e.getValue()));
        return new Snapshot(tasks, runs);
    }

    static List<Claim> claims(Connection connection) throws SQLException {
        List<Claim> claims = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(CLAIMS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                claims.add(ClaimColumns.read(rs));
            }
        }
        return claims;
    }

    static long version(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(VERSION); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
