package io.vivarium.store.postgres;

import io.vivarium.task.Pruning;
import io.vivarium.task.TaskStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code prune} in one transaction: the finished rows in the asked states are locked first, so an add that would
 * name one of them as a dependency waits (its key-share lock conflicts) and then finds it gone; the tasks that
 * depend on them are read after, committed adds included. The spend ledger's row is not touched.
 */
final class Pruner {

    private static final String CANDIDATES = "SELECT " + TaskRow.COLUMNS
            + " FROM vivarium_task WHERE status = ANY (?::text[]) ORDER BY seq FOR UPDATE";
    private static final String DEPENDENTS = "SELECT id, depends_on FROM vivarium_task WHERE depends_on && ?::text[]";
    private static final String DELETE = "DELETE FROM vivarium_task WHERE id = ANY (?::text[])";

    private Pruner() {
    }

    static List<String> prune(Tx tx, Set<TaskStatus> statuses, Instant endedBefore) throws SQLException {
        Set<String> candidates = new LinkedHashSet<>();
        try (PreparedStatement ps = tx.prepare(CANDIDATES)) {
            ps.setArray(1, tx.connection.createArrayOf("text",
                    statuses.stream().map(TaskStatus::wireName).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TaskRow row = TaskRow.read(rs);
                    if (Pruning.isCandidate(row.task(), row.run(), statuses, endedBefore)) {
                        candidates.add(row.id());
                    }
                }
            }
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        Map<String, List<String>> dependents = new HashMap<>();
        try (PreparedStatement ps = tx.prepare(DEPENDENTS)) {
            ps.setArray(1, tx.connection.createArrayOf("text", candidates.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    for (Object dep : (Object[]) rs.getArray(2).getArray()) {
                        if (candidates.contains((String) dep)) {
                            dependents.computeIfAbsent((String) dep, k -> new ArrayList<>()).add(id);
                        }
                    }
                }
            }
        }
        List<String> gone = Pruning.removable(candidates, dependents);
        if (!gone.isEmpty()) {
            try (PreparedStatement ps = tx.prepare(DELETE)) {
                ps.setArray(1, tx.connection.createArrayOf("text", gone.toArray()));
                ps.executeUpdate();
            }
            tx.changed();
        }
        return gone;
    }
}
