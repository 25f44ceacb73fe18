package io.vivarium.store.postgres;

import io.vivarium.spend.SpendLedger;
import io.vivarium.spend.SpendLimit;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The spend ledger on the state row ({@code spend_limit}, {@code spent}, {@code reserved}, micro-dollars) and the
 * spend by day. Charges and reservations reach it through {@link Tx#spend}, applied with the version at the end of
 * each transaction; a claim under a ceiling reads it locked ({@link #readLocked}), so that claims in any number of
 * processes see each other's reservations and the ceiling is never passed.
 */
final class Spending {

    private static final String READ = "SELECT spend_limit, spent, reserved FROM vivarium_state";
    private static final String DAYS = "SELECT day, spent FROM vivarium_spend_day ORDER BY day";
    private static final String LIMIT = "UPDATE vivarium_state SET spend_limit = ?";
    private static final String CLEAR = "UPDATE vivarium_state SET spent = 0, reserved = 0";
    private static final String CLEAR_DAYS = "DELETE FROM vivarium_spend_day";

    private Spending() {
    }

    /** The ledger as committed, without the days. */
    static SpendLedger read(Connection c) throws SQLException {
        return read(c, READ);
    }

    /**
     * The ledger, with the state row locked until this transaction ends, plus what the transaction has already
     * done to it: whoever claims next waits, and sees these claims.
     */
    static SpendLedger readLocked(Tx tx) throws SQLException {
        SpendLedger committed = read(tx.connection, READ + " FOR UPDATE");
        return committed.apply(tx.pendingSpend(), tx.now);
    }

    static SpendLedger withDays(Connection c, SpendLedger ledger) throws SQLException {
        TreeMap<LocalDate, Long> days = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(DAYS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                days.put(rs.getObject("day", LocalDate.class), rs.getLong("spent"));
            }
        }
        return ledger.withDays(days);
    }

    static SpendLedger limit(Tx tx, Optional<SpendLimit> limit) throws SQLException {
        try (PreparedStatement ps = tx.prepare(LIMIT)) {
            if (limit.isPresent()) {
                ps.setLong(1, limit.get().micros());
            } else {
                ps.setNull(1, Types.BIGINT);
            }
            ps.executeUpdate();
        }
        tx.changed();
        return withDays(tx.connection, read(tx.connection));
    }

    /** After the queue was emptied: nothing spent or reserved any more; the limit stays. */
    static void clear(Tx tx) throws SQLException {
        try (PreparedStatement ps = tx.prepare(CLEAR)) {
            ps.executeUpdate();
        }
        try (PreparedStatement ps = tx.prepare(CLEAR_DAYS)) {
            ps.executeUpdate();
        }
        tx.changed();
    }

    private static SpendLedger read(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            long limit = rs.getLong("spend_limit");
            Optional<SpendLimit> kept = rs.wasNull() ? Optional.empty() : Optional.of(new SpendLimit(limit));
            return new SpendLedger(kept, rs.getLong("spent"), rs.getLong("reserved"), new TreeMap<>());
        }
    }
}
