package io.vivarium.store.postgres;

import io.vivarium.store.Claim;
import io.vivarium.store.TaskStore.Cancellation;
import io.vivarium.store.UnknownTaskException;
import io.vivarium.store.postgres.RunWrites.RunChange;
import io.vivarium.task.CodeRun;
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

/**
 * What a user asks of tasks: run them again, or cancel one. Either ends the task's claim if it had one; the claim's
 * owner finds it lost at its next heartbeat and stops the grind.
 */
final class UserIntents {

    private static final String BY_ID = "SELECT " + TaskRow.COLUMNS
            + " FROM vivarium_task WHERE id = ANY (?::text[]) ORDER BY seq FOR UPDATE";
    private static final String FAILED = "SELECT " + TaskRow.COLUMNS
            + " FROM vivarium_task WHERE status = 'failed' ORDER BY seq FOR UPDATE";
    private static final String ONE_WITH_CLAIM = "SELECT " + TaskRow.COLUMNS + ", " + ClaimColumns.COLUMNS
            + " FROM vivarium_task WHERE id = ? FOR UPDATE";

    private UserIntents() {
    }

    static List<String> retry(Tx tx, Collection<String> ids) throws SQLException {
        List<String> wanted = List.copyOf(new LinkedHashSet<>(ids));
        Map<String, TaskRow> rows = new HashMap<>();
        select(tx, BY_ID, wanted).forEach(row -> rows.put(row.id(), row));
        List<TaskRow> targets = new ArrayList<>();
        for (String id : wanted) {
            TaskRow row = rows.get(id);
            if (row == null) {
                throw new UnknownTaskException(id);
            }
            targets.add(row);
        }
        return retry(tx, targets);
    }

    static List<String> retryFailed(Tx tx) throws SQLException {
        return retry(tx, select(tx, FAILED, null));
    }

    /** Fresh attempts for these tasks (a pending one only loses its backoff), then what they were blocking. */
    private static List<String> retry(Tx tx, List<TaskRow> targets) throws SQLException {
        List<RunChange> changes = new ArrayList<>();
        List<String> retried = new ArrayList<>();
        for (TaskRow row : targets) {
            row.runOrPending().retried(row.id()).ifPresent(fresh -> {
                changes.add(new RunChange(row, fresh));
                retried.add(row.id());
            });
        }
        RunWrites.write(tx, changes);
        List<String> result = new ArrayList<>(retried);
        result.addAll(Dependents.unblockDependentsOf(tx, retried));
        // A retried task whose own dependency still failed is blocked again at once.
        Dependents.blockIfUnrunnable(tx, retried);
        return result;
    }

    static TaskRun review(Tx tx, String id, CodeRun.Review verdict, String feedback) throws SQLException {
        List<TaskRow> rows = select(tx, BY_ID, List.of(id));
        if (rows.isEmpty()) {
            throw new UnknownTaskException(id);
        }
        TaskRow row = rows.get(0);
        TaskRun reviewed = row.runOrPending().reviewed(id, verdict, feedback);
        RunWrites.write(tx, List.of(new RunChange(row, reviewed)));
        return reviewed;
    }

    static Cancellation cancel(Tx tx, String id) throws SQLException {
        try (PreparedStatement ps = tx.prepare(ONE_WITH_CLAIM)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new UnknownTaskException(id);
                }
                TaskRow row = TaskRow.read(rs);
                TaskRun run = row.runOrPending();
                TaskRun cancelled = run.cancel(id, tx.now, row.task().maxBudget());
                Optional<Claim> ended = run.status() == TaskStatus.IN_PROGRESS
                        ? Optional.of(ClaimColumns.read(rs)) : Optional.empty();
                RunWrites.write(tx, List.of(new RunChange(row, cancelled)));
                Dependents.blockDependentsOf(tx, List.of(id));
                return new Cancellation(cancelled, ended);
            }
        }
    }

    private static List<TaskRow> select(Tx tx, String sql, List<String> ids) throws SQLException {
        List<TaskRow> rows = new ArrayList<>();
        try (PreparedStatement ps = tx.prepare(sql)) {
            if (ids != null) {
                ps.setArray(1, tx.texts(ids));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(TaskRow.read(rs));
                }
            }
        }
        return rows;
    }
}
