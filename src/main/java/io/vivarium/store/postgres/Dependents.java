package io.vivarium.store.postgres;

import io.vivarium.store.postgres.RunWrites.RunChange;
import io.vivarium.task.StartRule;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Blocking and unblocking along dependency chains. Only the tasks that depend on what just changed are looked at
 * (through the index on {@code depends_on}), a generation at a time, so the cost follows the chain and not the
 * size of the queue; which task blocks and why is {@link StartRule#blockingReason}'s rule, as for every store.
 */
final class Dependents {

    private static final String DEPENDENTS_OF = "SELECT " + TaskRow.COLUMNS + """
             FROM vivarium_task
            WHERE depends_on <> '{}' AND depends_on && ?::text[] AND status = ?
            ORDER BY seq FOR UPDATE""";
    private static final String THESE = "SELECT " + TaskRow.COLUMNS + """
             FROM vivarium_task
            WHERE id = ANY (?::text[]) AND depends_on <> '{}' AND status = ?
            ORDER BY seq FOR UPDATE""";
    private static final String STATUSES = "SELECT id, status FROM vivarium_task WHERE id = ANY (?::text[])";

    private Dependents() {
    }

    /** After tasks failed, were cancelled or blocked: blocks the pending tasks that can now never run. */
    static void blockDependentsOf(Tx tx, Collection<String> ended) throws SQLException {
        Collection<String> frontier = ended;
        while (!frontier.isEmpty()) {
            frontier = block(tx, select(tx, DEPENDENTS_OF, frontier, TaskStatus.PENDING));
        }
    }

    /** Blocks those of these pending tasks that can never run (added or retried after a dependency ended badly). */
    static void blockIfUnrunnable(Tx tx, Collection<String> ids) throws SQLException {
        if (!ids.isEmpty()) {
            blockDependentsOf(tx, block(tx, select(tx, THESE, ids, TaskStatus.PENDING)));
        }
    }

    /** After tasks were retried: puts back to pending the blocked tasks that nothing blocks any more, in order. */
    static List<String> unblockDependentsOf(Tx tx, Collection<String> retried) throws SQLException {
        List<String> unblocked = new ArrayList<>();
        Collection<String> frontier = retried;
        while (!frontier.isEmpty()) {
            List<TaskRow> rows = select(tx, DEPENDENTS_OF, frontier, TaskStatus.BLOCKED);
            Map<String, TaskStatus> status = statusesOfDependencies(tx, rows);
            List<RunChange> changes = new ArrayList<>();
            List<String> next = new ArrayList<>();
            for (TaskRow row : rows) {
                if (StartRule.blockingReason(row.task(), status::get).isEmpty()) {
                    changes.add(new RunChange(row, row.runOrPending().retry(row.id())));
                    status.put(row.id(), TaskStatus.PENDING);
                    next.add(row.id());
                }
            }
            RunWrites.write(tx, changes);
            unblocked.addAll(next);
            frontier = next;
        }
        return unblocked;
    }

    /** Blocks those of {@code rows} (pending, in queue order) that can never run; returns their ids. */
    private static List<String> block(Tx tx, List<TaskRow> rows) throws SQLException {
        Map<String, TaskStatus> status = statusesOfDependencies(tx, rows);
        List<RunChange> changes = new ArrayList<>();
        List<String> blocked = new ArrayList<>();
        for (TaskRow row : rows) {
            Optional<String> reason = StartRule.blockingReason(row.task(), status::get);
            if (reason.isPresent()) {
                TaskRun run = row.runOrPending().block(row.id(), tx.now, reason.get());
                changes.add(new RunChange(row, run));
                status.put(row.id(), TaskStatus.BLOCKED);
                blocked.add(row.id());
            }
        }
        RunWrites.write(tx, changes);
        return blocked;
    }

    private static List<TaskRow> select(Tx tx, String sql, Collection<String> ids, TaskStatus status)
            throws SQLException {
        List<TaskRow> rows = new ArrayList<>();
        try (PreparedStatement ps = tx.prepare(sql)) {
            ps.setArray(1, tx.texts(ids));
            ps.setString(2, status.wireName());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(TaskRow.read(rs));
                }
            }
        }
        return rows;
    }

    private static Map<String, TaskStatus> statusesOfDependencies(Tx tx, List<TaskRow> rows) throws SQLException {
        Set<String> ids = new LinkedHashSet<>();
        rows.forEach(row -> ids.addAll(row.task().dependsOn()));
        Map<String, TaskStatus> status = new HashMap<>();
        if (ids.isEmpty()) {
            return status;
        }
        try (PreparedStatement ps = tx.prepare(STATUSES)) {
            ps.setArray(1, tx.texts(ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    status.put(rs.getString("id"), TaskStatus.parse(rs.getString("status")));
                }
            }
        }
        return status;
    }
}
