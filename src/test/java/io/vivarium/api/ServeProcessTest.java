package io.vivarium.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import io.vivarium.support.Http;
import io.vivarium.support.WorkspaceFiles;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code serve} in its own JVM, the CLI in this one: the guide's workflows across processes. */
class ServeProcessTest {

    @TempDir
    static Path workspace;

    @TempDir
    static Path scratch;

    static CliProcess server;
    static Http http;
    static int port;

    @BeforeAll
    static void startServer() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        server = CliProcess.start(scratch.resolve("serve.out"), "serve", "--port", String.valueOf(port),
                "--workers", "2", "--workspace", workspace.toString());
        http = Http.at(port);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> http.get("/actuator/health").status() == 200);
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        server.process().destroy();
        server.waitFor(30);
    }

    @Test
    void workflowOneWithTheServerRunning() {
        CliRun.in(workspace, "add", "task_001", "grind");
        CliRun.in(workspace, "add", "task_002", "grind", "--min", "0.08", "--max", "0.15", "--intensity", "high");
        CliRun.in(workspace, "add", "task_003", "grind", "--intensity", "low");
        CliRun.in(workspace, "add", "task_004", "grind", "--intensity", "medium", "--command", "echo from-cli");

        await().atMost(Duration.ofSeconds(30))
                .until(() -> http.get("/status").json().get("completed").asInt() == 4);

        JsonNode api = http.get("/status").json();
        JsonNode cli = JsonMapper.builder().build().readTree(CliRun.in(workspace, "status", "--json").out());
        assertThat(api).isEqualTo(cli);
        assertThat(CliRun.in(workspace, "status").out()).containsPattern("Completed:\\s+4\\s+\\(100\\.0%\\)");
        assertThat(WorkspaceFiles.log(workspace).get("tasks").get("task_004").get("output").asString())
                .isEqualTo("from-cli\n");
    }

    @Test
    void startSendsGrindsToTheServerWithApiUrl(@TempDir Path other) throws Exception {
        CliRun.in(other, "add", "remote_1", "grind", "--command", "echo ran-on-server; pwd");
        CliRun.in(other, "add", "remote_2", "grind");

        CliRun start = CliRun.in(other, "start", "2", "--api-url", "http://127.0.0.1:" + port);

        assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
        JsonNode log = WorkspaceFiles.log(other).get("tasks");
        assertThat(log.get("remote_1").get("output").asString())
                .contains("ran-on-server").contains(workspace.toString());
        assertThat(log.get("remote_2").get("result").asString()).isEqualTo("Grind completed with intensity=medium");
        assertThat(Files.exists(workspace.resolve("queue.json"))).isTrue();
    }

    @Test
    void startWithAnApiUrlWhereNothingListensFailsTheTasksClearly(@TempDir Path other) throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CliRun.in(other, "add", "orphan", "grind", "--max-attempts", "1");

        CliRun start = CliRun.in(other, "start", "1", "--api-url", "http://127.0.0.1:" + closed);

        assertThat(start.exitCode()).isEqualTo(1);
        assertThat(start.out()).contains("Cannot connect to API at http://127.0.0.1:" + closed);
        assertThat(WorkspaceFiles.log(other).get("tasks").get("orphan").get("error").asString())
                .isEqualTo("Cannot connect to API at http://127.0.0.1:" + closed);
    }
}
