package io.vivarium.store.postgres;

import io.vivarium.store.Finish;
import io.vivarium.store.Lease;
import io.vivarium.store.postgres.RunWrites.RunChange;
import io.vivarium.task.RetryPolicy;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Records a batch of finished grinds in one transaction, each only if its claim still holds: the row must still be
 * in progress under the lease's fence, or the finish is lost (the task was taken over, cancelled or retried).
 */
final class Finishing {

    /** The commit's first statement: it reads the transaction's start too (one row of nulls if no row is held). */
    private static final String HELD = "SELECT s.*, h.* FROM (" + Tx.START + ") s LEFT JOIN LATERAL (SELECT "
            + TaskRow.COLUMNS + """
             FROM vivarium_task
            WHERE id = ANY (?::text[])
            ORDER BY seq FOR UPDATE) h ON true""";

    private Finishing() {
    }

    /** Returns the leases whose claim was lost; their finishes record nothing. */
    static List<Lease> record(Tx tx, List<Finish> finished, RetryPolicy retry) throws SQLException {
        if (finished.isEmpty()) {
            return List.of();
        }
        Map<String, TaskRow> held = held(tx, finished);
        List<Lease> lost = new ArrayList<>();
        List<RunChange> changes = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (Finish finish : finished) {
            Lease lease = finish.lease();
            // Removed as it is used: the same lease finished twice in one batch records once.
            TaskRow row = held.remove(lease.taskId());
            // The rows are found by id alone: a condition on status lets the planner walk the status index, whose
            // in_progress range holds a dead entry for every task that ever ran, and the cost grows with the queue.
            if (row == null || row.runOrPending().status() != TaskStatus.IN_PROGRESS || row.fence() != lease.fence()) {
                lost.add(lease);
                continue;
            }
            TaskRun after = finish.applyTo(row.task(), row.runOrPending(), tx.now, retry);
            changes.add(new RunChange(row, after));
            if (after.status() == TaskStatus.FAILED) {
                failed.add(row.id());
            }
        }
        RunWrites.write(tx, changes);
        Dependents.blockDependentsOf(tx, failed);
        return lost;
    }

    private static Map<String, TaskRow> held(Tx tx, List<Finish> finished) throws SQLException {
        List<String> ids = finished.stream().map(f -> f.lease().taskId()).distinct().toList();
        Map<String, TaskRow> rows = new HashMap<>();
        try (PreparedStatement ps = tx.prepare(HELD)) {
            ps.setArray(1, tx.texts(ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tx.readStart(rs);
                    if (rs.getObject("seq") != null) {
                        TaskRow row = TaskRow.read(rs);
                        rows.put(row.id(), row);
                    }
                }
            }
        }
        return rows;
    }
}
