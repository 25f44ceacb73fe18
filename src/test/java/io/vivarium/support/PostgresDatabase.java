package io.vivarium.support;

import io.vivarium.store.StoreLocation;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh database on the JVM's one embedded PostgreSQL for each test class:
 * {@code @RegisterExtension static final PostgresDatabase db = new PostgresDatabase();}. Tests that need an empty
 * database per test call {@link #createAnother()}.
 */
public final class PostgresDatabase implements BeforeAllCallback {

    private volatile String name;

    @Override
    public void beforeAll(ExtensionContext context) {
        name = PostgresServer.shared().createDatabase();
    }

    public String name() {
        if (name == null) {
            throw new IllegalStateException("register PostgresDatabase as a static @RegisterExtension field");
        }
        return name;
    }

    /** {@code postgresql://127.0.0.1:PORT/DB?user=…&password=…}, as a user passes it to {@code --store}. */
    public String url() {
        return PostgresServer.shared().url(name());
    }

    public StoreLocation location(Path workspace) {
        return StoreLocation.of(workspace, url());
    }

    /** Another empty database, for a test that must start from nothing; returns its store URL. */
    public String createAnother() {
        return PostgresServer.shared().url(PostgresServer.shared().createDatabase());
    }

    /** A superuser connection to this class's database, to look at or tamper with what the store wrote. */
    public Connection superuser() throws SQLException {
        return PostgresServer.shared().superuser(name());
    }

    public void execute(String sql) {
        try (Connection c = superuser(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
