package io.vivarium.store.postgres;

import io.vivarium.store.Lease;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
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

    /**
     * Confirms the claims that still hold, and moves the heartbeat of those whose last one is older than
     * {@code ?} (a heartbeat interval): a worker confirms each claim once more just before its grind starts, and
     * that confirmation then writes nothing (a transaction that writes must wait for the disk).
     */
    private static final String RENEW = """
            WITH held AS (
                SELECT t.seq, t.fence, t.heartbeat_at FROM vivarium_task t
                  JOIN unnest(?::text[], ?::bigint[]) AS u(id, fence) ON t.id = u.id AND t.fence = u.fence),
            beat AS (
                UPDATE vivarium_task t SET heartbeat_at = ? FROM held
                 WHERE t.seq = held.seq AND t.fence = held.fence AND held.heartbeat_at <= ?)
            SELECT fence FROM held""";
    private static final String RECORD_GRIND = """
            UPDATE vivarium_task SET grind_pid = ?, grind_started_at = ?
             WHERE id = ? AND fence = ?""";

    private Heartbeats() {
    }

    /** Returns the leases whose claim was lost. */
    static List<Lease> renew(Tx tx, List<Lease> leases, Duration interval) throws SQLException {
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
            ps.setArray(1, tx.texts(ids));
            ps.setArray(2, tx.longs(fences));
            ps.setObject(3, Tx.time(tx.now));
            ps.setObject(4, Tx.time(tx.now.minus(interval)));
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
