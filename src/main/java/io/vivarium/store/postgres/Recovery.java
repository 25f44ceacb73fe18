package io.vivarium.store.postgres;

import io.vivarium.store.Claim;
import io.vivarium.store.StaleClaim;
import io.vivarium.store.Takeover;
import io.vivarium.store.postgres.RunWrites.RunChange;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds and ends the claims of owners that are gone or hung. An owner is alive while its store's session holds
 * its advisory lock, which PostgreSQL drops the moment that session ends (process killed, machine gone, network
 * cut), so a dead owner is known at once; a live owner whose heartbeat is older than the lease is hung. A store
 * never reports its own claims: its process is alive, and its pool renews them.
 */
final class Recovery {

    private static final String LIVE_OWNERS = """
            WITH live AS (
                SELECT objid::bigint AS owner_key FROM pg_locks
                 WHERE locktype = 'advisory' AND classid = %d AND objsubid = 2 AND granted
                   AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
            """.formatted(OwnerSession.LOCK_SPACE);
    /** In a query over vivarium_task: inside the subquery, owner_key is the lock's. */
    private static final String OWNER_ALIVE = "owner_key IN (SELECT owner_key FROM live) AS owner_alive";
    private static final String FIND = LIVE_OWNERS + "SELECT fence, " + OWNER_ALIVE + ", " + ClaimColumns.COLUMNS + """
             FROM vivarium_task
            WHERE status = 'in_progress' AND coalesce(owner_key, 0) <> ?
            ORDER BY seq""";
    private static final String LOCK = LIVE_OWNERS + "SELECT heartbeat_at, coalesce(owner_key, 0) AS owner, "
            + OWNER_ALIVE + ", " + TaskRow.COLUMNS + """
             FROM vivarium_task
            WHERE id = ANY (?::text[]) AND status = 'in_progress'
            ORDER BY seq FOR UPDATE OF vivarium_task""";

    private Recovery() {
    }

    /** {@code ownerKey} is this store's own (0 when it has none), whose claims are never stale to it. */
    static List<StaleClaim> find(Tx tx, int ownerKey, Duration lease) throws SQLException {
        List<StaleClaim> stale = new ArrayList<>();
        try (PreparedStatement ps = tx.prepare(FIND)) {
            ps.setInt(1, ownerKey);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Claim claim = ClaimColumns.read(rs);
                    long fence = rs.getLong("fence");
                    reason(rs.getBoolean("owner_alive"), claim.heartbeatAt(), tx.now, lease).ifPresent(reason ->
                            stale.add(new StaleClaim(claim.taskId(), claim, reason, fence)));
                }
            }
        }
        return stale;
    }

    /** Ends each claim that is still the one found and still stale; its task runs again if attempts are left. */
    static List<Takeover> abandon(Tx tx, int ownerKey, Duration lease, List<StaleClaim> stale) throws SQLException {
        Map<String, LockedClaim> locked = lock(tx, stale);
        List<Takeover> takeovers = new ArrayList<>();
        List<RunChange> changes = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (StaleClaim claim : stale) {
            LockedClaim now = locked.remove(claim.taskId());
            if (now == null || now.row.fence() != claim.fence() || now.owner == ownerKey
                    || claim.reason() == Takeover.Reason.UNCLAIMED
                    || reason(now.ownerAlive, now.heartbeat, tx.now, lease).isEmpty()) {
                continue;
            }
            TaskRun after = claim.reason().abandon(now.row.task(), now.row.runOrPending(), tx.now);
            changes.add(new RunChange(now.row, after));
            if (after.status() == TaskStatus.FAILED) {
                failed.add(claim.taskId());
            }
            takeovers.add(new Takeover(claim.taskId(), claim.previousWorker(), claim.reason()));
        }
        RunWrites.write(tx, changes);
        Dependents.blockDependentsOf(tx, failed);
        return takeovers;
    }

    private static Optional<Takeover.Reason> reason(boolean ownerAlive, Instant heartbeat, Instant now,
                                                    Duration lease) {
        if (!ownerAlive) {
            return Optional.of(Takeover.Reason.OWNER_DIED);
        }
        if (heartbeat == null || heartbeat.plus(lease).isBefore(now)) {
            return Optional.of(Takeover.Reason.LEASE_EXPIRED);
        }
        return Optional.empty();
    }

    private record LockedClaim(TaskRow row, int owner, boolean ownerAlive, Instant heartbeat) {
    }

    private static Map<String, LockedClaim> lock(Tx tx, List<StaleClaim> stale) throws SQLException {
        Map<String, LockedClaim> locked = new HashMap<>();
        try (PreparedStatement ps = tx.prepare(LOCK)) {
            ps.setArray(1, tx.texts(stale.stream().map(StaleClaim::taskId).distinct().toList()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TaskRow row = TaskRow.read(rs);
                    locked.put(row.id(), new LockedClaim(row, rs.getInt("owner"), rs.getBoolean("owner_alive"),
                            Tx.instant(rs, "heartbeat_at")));
                }
            }
        }
        return locked;
    }
}
