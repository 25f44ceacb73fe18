package io.vivarium.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A store instance's own database session, on a connection of its own kept open for the store's life. It holds a
 * session-level advisory lock on the instance's owner key, which every claim of the instance records: PostgreSQL
 * drops the lock the moment the session ends, so anyone can tell at once that the owner of those claims is gone.
 * It also listens for the change announcements that every committed change sends, so waiting workers wake within
 * milliseconds of a task being added, freed or retried anywhere.
 *
 * <p>If the session breaks, a thread of its own reconnects and takes the same lock again (claims found stale
 * meanwhile may have been taken over, which the fences settle); waiting falls back to reading the version about
 * once a second until the session is back.
 */
final class OwnerSession implements AutoCloseable {

    /** The first key of every Vivarium advisory lock ("VIVA"), so that other users of advisory locks never clash. */
    static final int LOCK_SPACE = 0x56495641;
    static final String CHANNEL = "vivarium_changes";

    private static final int LISTEN_MILLIS = 500;
    private static final long RECONNECT_MILLIS = 1_000;
    private static final long POLL_NANOS = Duration.ofSeconds(1).toNanos();
    private static final int KEY_ATTEMPTS = 10;
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(2);

    private final Database database;
    private final Object signal = new Object();
    /** Guarded by {@link #signal}: the highest version announced, and a count of announcements and reconnects. */
    private long announced;
    private long events;

    private volatile int ownerKey;
    private volatile Connection connection;
    private volatile boolean closed;
    private Thread listener;

    OwnerSession(Database database) {
        this.database = database;
    }

    /** This instance's owner key, connecting first if needed; fails if the first connection cannot be made. */
    synchronized int ownerKey() {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        if (listener == null) {
            try {
                connection = connectFirst();
            } catch (SQLException e) {
                throw Failures.of(database.settings(), e);
            }
            listener = new Thread(this::listen, "vivarium-store-session");
            listener.setDaemon(true);
            listener.start();
        }
        return ownerKey;
    }

    /** The key if the session has been started, else 0 (a key no owner has). */
    int ownerKeyIfStarted() {
        return ownerKey;
    }

    /**
     * Waits until the version, as {@code version} reads it, differs from {@code seen}, or {@code timeout} passes;
     * returns the version then. Woken by announcements; reads the version at least once a second regardless.
     */
    long awaitChange(long seen, Duration timeout, LongSupplier version) throws InterruptedException {
        try {
            ownerKey();
        } catch (RuntimeException unavailable) {
            // No session now: the reads below poll, and report the trouble if the database is down.
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long current = version.getAsLong();
        while (current == seen) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                break;
            }
            long heard = waitForNews(seen, Math.min(remaining, POLL_NANOS));
            current = heard > seen ? heard : version.getAsLong();
        }
        return current;
    }

    /** The announced version if one above {@code seen} arrives within {@code nanos}, else -1. */
    private long waitForNews(long seen, long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        synchronized (signal) {
            long mark = events;
            while (announced <= seen && events == mark) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                signal.wait(Math.max(1, left / 1_000_000));
            }
            return announced > seen ? announced : -1;
        }
    }

    private Connection connectFirst() throws SQLException {
        for (int attempt = 0; attempt < KEY_ATTEMPTS; attempt++) {
            int key = database.read(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT nextval('vivarium_owner')")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            Connection c = database.connectDirectly();
            if (lockAndListen(c, key)) {
                ownerKey = key;
                return c;
            }
            // Taken: the key sequence went round and an old owner still lives.
            c.close();
        }
        throw new SQLException("no free owner key after " + KEY_ATTEMPTS + " attempts", "55P03");
    }

    private static boolean lockAndListen(Connection c, int key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            ps.setInt(1, LOCK_SPACE);
            ps.setInt(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return false;
                }
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + CHANNEL);
        }
        return true;
    }

    private void listen() {
        while (!closed) {
            Connection c = connection;
            try {
                if (c == null) {
                    c = database.connectDirectly();
                    if (!lockAndListen(c, ownerKey)) {
                        // The old session still holds the lock (its end is not yet noticed): try again later.
                        c.close();
                        Thread.sleep(RECONNECT_MILLIS);
                        continue;
                    }
                    connection = c;
                    signal(0);
                }
                PGNotification[] notifications = c.unwrap(PGConnection.class).getNotifications(LISTEN_MILLIS);
                long highest = 0;
                for (PGNotification n : notifications == null ? new PGNotification[0] : notifications) {
                    highest = Math.max(highest, parse(n.getParameter()));
                }
                if (notifications != null && notifications.length > 0) {
                    signal(highest);
                }
            } catch (SQLException e) {
                connection = null;
                closeQuietly(c);
                if (!closed) {
                    sleepQuietly();
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void signal(long version) {
        synchronized (signal) {
            announced = Math.max(announced, version);
            events++;
            signal.notifyAll();
        }
    }

    private static long parse(String payload) {
        try {
            return Long.parseLong(payload);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(RECONNECT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until the server has ended the session: it does so a moment after the connection closes, and until
     * then the lock still says the owner is alive. Closing is then final for everyone at once.
     */
    private void awaitLockReleased() {
        long deadline = System.nanoTime() + RELEASE_WAIT.toNanos();
        try {
            while (System.nanoTime() < deadline && database.read(this::lockHeld)) {
                Thread.sleep(2);
            }
        } catch (RuntimeException unreachable) {
            // The database is out of reach: the server ends the session when it notices, as after a crash.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean lockHeld(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = ?::oid AND objid = ?::oid
                   AND objsubid = 2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())""")) {
            ps.setInt(1, LOCK_SPACE);
            ps.setInt(2, ownerKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
    }

    /** Ends the session, and with it the lock: claims still held become visibly ownerless. */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            running = listener;
        }
        Connection c = connection;
        if (c != null) {
            try {
                // abort, not close: the listener may be blocked reading this connection.
                c.abort(Runnable::run);
            } catch (SQLException ignored) {
                // already gone
            }
            awaitLockReleased();
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
