package io.vivarium.store.postgres;

import io.vivarium.store.Claim;
import java.sql.ResultSet;
import java.sql.SQLException;

/** A claim's record as its columns hold it. */
final class ClaimColumns {

    /** For a SELECT list, with the task's {@code id}. */
    static final String COLUMNS =
            "id, worker_id, claim_pid, claim_host, claimed_at, heartbeat_at, grind_pid, grind_started_at";

    private ClaimColumns() {
    }

    static Claim read(ResultSet rs) throws SQLException {
        return new Claim(rs.getString("id"), rs.getString("worker_id"), rs.getLong("claim_pid"),
                rs.getString("claim_host"), Tx.instant(rs, "claimed_at"), Tx.instant(rs, "heartbeat_at"),
                Tx.nullableLong(rs, "grind_pid"), Tx.instant(rs, "grind_started_at"));
    }
}
