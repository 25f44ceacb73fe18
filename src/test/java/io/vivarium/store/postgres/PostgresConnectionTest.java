package io.vivarium.store.postgres;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vivarium.store.StoreException;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.support.CliRun;
import io.vivarium.support.PostgresDatabase;
import io.vivarium.support.PostgresServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Opening a PostgreSQL store: the URL forms, the schema, and one clear line for each way it can go wrong. */
class PostgresConnectionTest {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase();

    private static final String PASSWORD = PostgresServer.PASSWORD;

    @TempDir
    Path workspace;

    private TaskStore open(String url) {
        return TaskStores.open(StoreLocation.of(workspace, url), Clock.systemUTC(), StoreSettings.defaults());
    }

    private String url(String database, String user, String password) {
        return "postgresql://127.0.0.1:" + PostgresServer.shared().port() + "/" + database + "?user=" + user
                + "&password=" + password;
    }

    @Test
    void everyUrlFormReachesTheSameQueue() {
        int port = PostgresServer.shared().port();
        try (TaskStore first = open(db.url())) {
            first.add(List.of(aTask("shared").build()));
        }
        for (String url : List.of(
                "postgres://" + PostgresServer.USER + ":" + PASSWORD + "@127.0.0.1:" + port + "/" + db.name(),
                "jdbc:postgresql://127.0.0.1:" + port + "/" + db.name() + "?user=" + PostgresServer.USER
                        + "&password=" + PASSWORD + "&sslmode=disable")) {
            try (TaskStore store = open(url)) {
                assertThat(store.find("shared")).as(url).isPresent();
            }
        }
    }

    @Test
    void aWrongPasswordIsOneLineNamingTheStoreWithoutThePassword() {
        String url = url(db.name(), PostgresServer.USER, "not-the-password");

        assertThatThrownBy(() -> open(url))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> assertOneLineWithoutSecrets(e.getMessage(), "not-the-password"))
                .hasMessageContaining("refused the login")
                .hasMessageContaining("password authentication failed")
                .hasMessageContaining("127.0.0.1:" + PostgresServer.shared().port() + "/" + db.name());
    }

    @Test
    void anUnknownUserIsRefusedTheSameWay() {
        assertThatThrownBy(() -> open(url(db.name(), "nobody_here", PASSWORD)))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> assertOneLineWithoutSecrets(e.getMessage(), PASSWORD))
                .hasMessageContaining("refused the login");
    }

    @Test
    void anUnreachableServerIsOneLine() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "postgresql://127.0.0.1:" + closedPort + "/vivarium?user=u&password=" + PASSWORD;

        assertThatThrownBy(() -> open(url))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> assertOneLineWithoutSecrets(e.getMessage(), PASSWORD))
                .hasMessageStartingWith("cannot reach the PostgreSQL store postgresql://127.0.0.1:" + closedPort);
    }

    @Test
    void aDatabaseThatDoesNotExistIsNamed() {
        assertThatThrownBy(() -> open(url("no_such_db", PostgresServer.USER, PASSWORD)))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> assertOneLineWithoutSecrets(e.getMessage(), PASSWORD))
                .hasMessageContaining("does not exist");
    }

    @Test
    void aSchemaFromANewerVivariumIsRefusedAndLeftAlone() {
        String url = db.createAnother();
        open(url).close();
        String database = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        PostgresServer server = PostgresServer.shared();
        int future = Schema.CURRENT + 1;
        try (var c = server.superuser(database); var s = c.createStatement()) {
            s.execute("INSERT INTO vivarium_schema_history (installed_rank, version, description, type, script,"
                    + " checksum, installed_by, execution_time, success) VALUES (99, '" + future + "', 'from the future',"
                    + " 'SQL', 'V" + future + "__from_the_future.sql', 0, 'vivarium', 1, true)");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }

        assertThatThrownBy(() -> open(url))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> assertOneLineWithoutSecrets(e.getMessage(), PASSWORD))
                .hasMessageContaining("schema version " + future + ", written by a newer Vivarium")
                .hasMessageContaining("upgrade Vivarium");
    }

    @Test
    void theSchemaIsCreatedOnFirstUseBesideOtherTablesAndOnlyOnce() {
        String url = db.createAnother();
        String database = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        try (var c = PostgresServer.shared().superuser(database); var s = c.createStatement()) {
            s.execute("CREATE TABLE someone_elses (x int); ALTER TABLE someone_elses OWNER TO vivarium");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }

        try (TaskStore first = open(url); TaskStore second = open(url)) {
            first.add(List.of(aTask("a").build()));
            assertThat(second.find("a")).isPresent();
        }
    }

    @Test
    void theSchemaVersionThatSkipsFlywayIsTheNewestMigration() throws Exception {
        Path migrations = Path.of(Schema.class.getResource("/db/migration/postgresql").toURI());
        int newest;
        try (var files = java.nio.file.Files.list(migrations)) {
            newest = files.map(f -> f.getFileName().toString())
                    .map(name -> Integer.parseInt(name.substring(1, name.indexOf("__"))))
                    .max(Integer::compare).orElseThrow();
        }

        assertThat(Schema.CURRENT).isEqualTo(newest);
    }

    @Test
    void theCliReportsAStoreItCannotOpenInOneLineWithExitTwo() {
        String url = url(db.name(), PostgresServer.USER, "wrong-pw");

        CliRun run = CliRun.in(workspace, "status", "--store", url);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("refused the login").doesNotContain("wrong-pw");
    }

    private static void assertOneLineWithoutSecrets(String message, String secret) {
        assertThat(message).doesNotContain("\n").doesNotContain(secret).contains("password=***");
    }
}
