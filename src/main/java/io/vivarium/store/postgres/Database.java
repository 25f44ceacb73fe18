package io.vivarium.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.vivarium.store.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Clock;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * The connections to one database: a small pool for the store's operations, plus {@link #connectDirectly()} for
 * a session that must live outside the pool. Every operation runs through {@link #read} or {@link #change}, which
 * turn database failures into one-line {@link StoreException}s.
 */
final class Database implements AutoCloseable {

    private static final int POOL_SIZE = 4;
    private static final int ATTEMPTS = 5;
    /**
     * How long one wait for a pooled connection lasts. With the database unreachable the pool has seen a connection
     * fail by then, and the caller hears so at once instead of after the pool's usual ten seconds.
     */
    private static final Duration CONNECTION_WAIT = Duration.ofSeconds(1);
    /** How long a caller waits, in all, while the database is reachable and the pool merely busy. */
    private static final Duration BUSY_PATIENCE = Duration.ofSeconds(10);

    /** Work on a connection in autocommit mode. */
    interface Read<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Work in one transaction. */
    interface Change<T> {
        T run(Tx tx) throws SQLException;
    }

    private final ConnectionSettings settings;
    private final HikariDataSource pool;
    private final Clock clock;

    private Database(ConnectionSettings settings, HikariDataSource pool, Clock clock) {
        this.settings = settings;
        this.pool = pool;
        this.clock = clock;
    }

    /** Connects at once, so that a wrong address or password is reported here, in one line. */
    static Database open(ConnectionSettings settings, Clock clock) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("vivarium-store");
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(CONNECTION_WAIT.toMillis());
        // An idle connection to a server that went away is found out within this, not the pool's five seconds.
        config.setValidationTimeout(CONNECTION_WAIT.toMillis() / 2);
        config.setInitializationFailTimeout(1);
        driverProperties().forEach((k, v) -> config.addDataSourceProperty((String) k, v));
        try {
            return new Database(settings, new HikariDataSource(config), clock);
        } catch (RuntimeException e) {
            throw Failures.of(settings, e);
        }
    }

    private static Properties driverProperties() {
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", "vivarium");
        properties.setProperty("tcpKeepAlive", "true");
        return properties;
    }

    DataSource dataSource() {
        return pool;
    }

    ConnectionSettings settings() {
        return settings;
    }

    /** A connection of its own, outside the pool, for a session whose life means something (its locks). */
    Connection connectDirectly() throws SQLException {
        Properties properties = driverProperties();
        if (settings.user() != null) {
            properties.setProperty("user", settings.user());
        }
        if (settings.password() != null) {
            properties.setProperty("password", settings.password());
        }
        return DriverManager.getConnection(settings.jdbcUrl(), properties);
    }

    /**
     * A pooled connection. A wait that ran out while the database could not be reached (the pool's last attempt to
     * connect failed) ends here; one that ran out only because every connection was in use waits on.
     */
    private Connection connection() throws SQLException {
        long deadline = System.nanoTime() + BUSY_PATIENCE.toNanos();
        while (true) {
            try {
                return pool.getConnection();
            } catch (SQLTransientConnectionException e) {
                if (e.getCause() != null || System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
        }
    }

    <T> T read(Read<T> work) {
        try (Connection connection = connection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw Failures.of(settings, e);
        }
    }

    /**
     * Runs {@code work} in a transaction that commits when it returns and rolls back when it throws. A deadlock or
     * serialization failure runs it again from the start, so it must not act outside the transaction.
     */
    <T> T change(Change<T> work) {
        for (int attempt = 1; ; attempt++) {
            // The pool puts autocommit back when the connection returns to it.
            try (Connection connection = connection()) {
                connection.setAutoCommit(false);
                try {
                    Tx tx = new Tx(connection, clock.instant());
                    T result = work.run(tx);
                    tx.announce();
                    connection.commit();
                    return result;
                } catch (SQLException | RuntimeException | Error e) {
                    rollbackQuietly(connection);
                    throw e;
                }
            } catch (SQLException e) {
                if (!Failures.isTransient(e) || attempt == ATTEMPTS) {
                    throw Failures.of(settings, e);
                }
            }
        }
    }

    /**
     * Runs {@code work}, a single statement that changes nothing the version counts (a heartbeat), on its own in
     * autocommit: one round trip, and no wait for the disk when it writes nothing. Run again after a deadlock.
     */
    <T> T statement(Change<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = connection()) {
                return work.run(new Tx(connection, clock.instant()));
            } catch (SQLException e) {
                if (!Failures.isTransient(e) || attempt == ATTEMPTS) {
                    throw Failures.of(settings, e);
                }
            }
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it and the original failure is what matters
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
