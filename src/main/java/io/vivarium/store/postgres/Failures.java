package io.vivarium.store.postgres;

import io.vivarium.util.Causes;
import io.vivarium.store.StoreException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** What went wrong with the database, in one line that names the store without its password. */
final class Failures {

    private Failures() {
    }

    static StoreException of(ConnectionSettings where, Throwable failure) {
        SQLException sql = firstWithState(failure);
        String state = sql == null ? "" : sql.getSQLState();
        String detail = firstLine(sql != null ? sql.getMessage() : String.valueOf(failure.getMessage()));
        String message;
        if (state.equals("28P01") || state.equals("28000")) {
            message = "the PostgreSQL store " + where + " refused the login: " + detail;
        } else if (state.equals("3D000")) {
            message = "the PostgreSQL store " + where + " names a database that does not exist: " + detail;
        } else if (state.startsWith("08") || state.startsWith("57P") || sql == null) {
            message = "cannot reach the PostgreSQL store " + where + ": " + detail;
        } else {
            message = "the PostgreSQL store " + where + " failed: " + detail;
        }
        return new StoreException(message, failure);
    }

    /** Serialization failures and deadlocks: the transaction may simply be run again. */
    static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /**
     * The driver's exception under a pool's or a framework's wrapper: the one that carries an SQL state. The pool's
     * "request timed out" copies the state of the connection failure it gives as its cause; that cause is the
     * message that says what happened ("Connection to … refused").
     */
    private static SQLException firstWithState(Throwable failure) {
        SQLException first = (SQLException) Causes.first(failure,
                t -> t instanceof SQLException sql && sql.getSQLState() != null).orElse(null);
        if (first instanceof SQLTransientConnectionException && first.getCause() instanceof SQLException cause
                && cause.getSQLState() != null) {
            return cause;
        }
        return first;
    }

    private static String firstLine(String text) {
        String line = text == null ? "unknown error" : text.strip();
        int newline = line.indexOf('\n');
        return newline < 0 ? line : line.substring(0, newline).strip();
    }
}
