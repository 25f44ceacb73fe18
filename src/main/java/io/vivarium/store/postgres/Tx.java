package io.vivarium.store.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import io.vivarium.spend.SpendChange;
import io.vivarium.spend.SpendLimit;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Optional;

/**
 * One transaction: its connection, the moment it works at (from the store's clock), and whether it changed
 * anything. A transaction that changed something ends by incrementing the store's version and announcing it, in
 * the same commit, so that a waiting worker that hears of a change finds it already visible; what its writes did
 * to the spend ledger is applied in that same statement.
 */
final class Tx {

    private static final String BUMP = """
            WITH bumped AS (UPDATE vivarium_state SET version = version + 1, spent = spent + ?, reserved = reserved + ?
                            RETURNING version)
            SELECT version, pg_notify('%s', version::text) FROM bumped""".formatted(OwnerSession.CHANNEL);
    private static final String SPENT_TODAY = """
            INSERT INTO vivarium_spend_day (day, spent) VALUES (?, ?)
            ON CONFLICT (day) DO UPDATE SET spent = vivarium_spend_day.spent + EXCLUDED.spent""";

    private static final String VERSION = "SELECT version FROM vivarium_state";
    /**
     * The start ({@link #readStartVersion}): read alone, or by a transaction's first statement beside its own rows,
     * a round trip saved: {@code SELECT s.*, x.* FROM (START) s LEFT JOIN LATERAL (its own query) x ON true}.
     */
    static final String START = """
            SELECT version AS start_version, spend_limit AS start_limit, flow_active AS start_flow_active
              FROM vivarium_state""";

    final Connection connection;
    /** Truncated to what a timestamptz keeps, so that what is written and what is read back agree. */
    final Instant now;
    private boolean changed;
    private SpendChange spend = SpendChange.NONE;
    private Long version;
    private Long startVersion;
    private Optional<SpendLimit> startSpendLimit;
    private boolean startFlowActive;

    Tx(Connection connection, Instant now) {
        this.connection = connection;
        this.now = now.truncatedTo(ChronoUnit.MICROS);
    }

    void changed() {
        if (version != null) {
            throw new IllegalStateException("a change after the version was taken would go unannounced");
        }
        changed = true;
    }

    /**
     * What this transaction's writes do to the spend ledger, applied to the state row with the version: the row is
     * locked once, at the end, and the rows of tasks are always locked before it.
     */
    void spend(SpendChange change) {
        if (!change.isNone()) {
            changed();
            spend = spend.plus(change);
        }
    }

    /** The spend change this transaction will apply when it announces itself. */
    SpendChange pendingSpend() {
        return spend;
    }

    /** Increments and announces the version, once, if this transaction changed anything. */
    void announce() throws SQLException {
        if (changed && version == null) {
            // The state row first, then the day's: the order a clear takes them in too.
            try (PreparedStatement ps = prepare(BUMP)) {
                ps.setLong(1, spend.spentMicros());
                ps.setLong(2, spend.reservedMicros());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    version = rs.getLong(1);
                }
            }
            if (spend.spentMicros() != 0) {
                try (PreparedStatement ps = prepare(SPENT_TODAY)) {
                    ps.setObject(1, LocalDate.ofInstant(now, ZoneOffset.UTC));
                    ps.setLong(2, spend.spentMicros());
                    ps.executeUpdate();
                }
            }
        }
    }

    /**
     * Reads the version before anything else is read, for {@link #version()}: every change announced by then is
     * visible to this transaction's later statements (each sees what was committed when it began).
     */
    void readStartVersion() throws SQLException {
        try (PreparedStatement ps = prepare(START); ResultSet rs = ps.executeQuery()) {
            rs.next();
            readStart(rs);
        }
    }

    /** Takes the start from a row of this transaction's first statement, which joined {@link #START}. */
    void readStart(ResultSet rs) throws SQLException {
        if (startVersion != null) {
            return;
        }
        startVersion = rs.getLong("start_version");
        long limit = rs.getLong("start_limit");
        startSpendLimit = rs.wasNull() ? Optional.empty() : Optional.of(new SpendLimit(limit));
        startFlowActive = rs.getBoolean("start_flow_active");
    }

    /** Whether the start has been read: a transaction that must read it first reads it once. */
    boolean startRead() {
        return startVersion != null;
    }

    /**
     * Whether any flow setting (a pause, a queue's limits) was set when the start version was read: when not, a
     * claim need not read them, and one that does reads them again, locked ({@link FlowClaiming}).
     */
    boolean startFlowActive() {
        return startFlowActive;
    }

    /**
     * The store's spend limit as read with the start version (null if it was not read): enough to know whether a
     * claim must check the ledger at all, saving a round trip when no limit applies. A claim that checks reads the
     * ledger again, locked.
     */
    Optional<SpendLimit> startSpendLimit() {
        return startSpendLimit;
    }

    /**
     * The version this transaction leaves behind: incremented if it changed anything, else as read. When the start
     * was read and someone else's change was announced since, the start version is answered instead: this
     * transaction may have looked before that change was visible, so a caller that waits for a newer version than
     * this one must not take the other change as already seen.
     */
    long version() throws SQLException {
        announce();
        if (version == null) {
            version = single(VERSION);
        }
        if (startVersion == null) {
            return version;
        }
        long others = version - startVersion - (changed ? 1 : 0);
        return others == 0 ? version : startVersion;
    }

    PreparedStatement prepare(String sql) throws SQLException {
        return connection.prepareStatement(sql);
    }

    Array texts(Collection<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray());
    }

    Array longs(Collection<Long> values) throws SQLException {
        return connection.createArrayOf("bigint", values.toArray());
    }

    Array ints(Collection<Integer> values) throws SQLException {
        return connection.createArrayOf("int4", values.toArray());
    }

    Array doubles(Collection<Double> values) throws SQLException {
        return connection.createArrayOf("float8", values.toArray());
    }

    private long single(String sql) throws SQLException {
        try (PreparedStatement ps = prepare(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static OffsetDateTime time(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
