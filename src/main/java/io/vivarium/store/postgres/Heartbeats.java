package io.vivarium.store.postgres;

import io.vivarium.store.Lease;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a claim's owner writes while the grind runs: heartbeats, for a batch of leases in one statement, and the
 * grind's process. Both are fenced, and neither is news to other workers, so neither changes the version.
 */
final class Heartbeats {

    private static final String RENEW = """
            UPDATE vivarium_task t SET heartbeat_at = ?
              FROM unnest(?::text[], ?::bigint[]) AS u(id, fence)
             WHERE t.id = u.id AND t.fence = u.fence AND t.status = 'in_progress'
            RETURNING t.fence""";
    private static final String RECORD_GRIND = """
            UPDATE vivarium_task SET grind_pid = ?, grind_started_at = ?
             WHERE id = ? AND fence = ? AND status = 'in_progress'""";

    private Heartbeats() {
    }

    /** Returns the leases whose claim was lost. */
    static List<Lease> renew(Tx tx, List<Lease> leases) throws SQLException {
        if (leases.isEmpty()) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        List<Long> fences = new ArrayList<>();
        leases.forEach(lease -> {
            ids.add(lease.taskId());
            fences.add(lease.fence());
        });
        Set<Long> renewed = new HashSet<>();
        try (PreparedStatement ps = tx.prepare(RENEW)) {
            ps.setObject(1, Tx.time(tx.now));
            ps.setArray(2, tx.texts(ids));
            ps.setArray(3, tx.longs(fences));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    renewed.add(rs.getLong("fence"));
                }
            }
        }
        return leases.stream().filter(lease -> !renewed.contains(lease.fence())).toList();
    }

    static boolean recordGrind(Tx tx, Lease lease, long pid, Instant startedAt) throws SQLException {
        try (PreparedStatement ps = tx.prepare(RECORD_GRIND)) {
            ps.setLong(1, pid);
            ps.setObject(2, Tx.time(startedAt));
            ps.setString(3, lease.taskId());
            ps.setLong(4, lease.fence());
            return ps.executeUpdate() == 1;
        }
    }
}
