package io.vivarium.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import io.vivarium.support.Http;
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

/** {@code serve} runs everything on time: a task {@code --every 1s} comes back each second until it is cancelled. */
class RecurringServeProcessTest {

    @TempDir
    static Path workspace;

    @TempDir
    static Path scratch;

    static CliProcess server;
    static Http http;

    @BeforeAll
    static void startServer() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        server = CliProcess.start(scratch.resolve("serve.out"), "serve", "--port", String.valueOf(port),
                "--workers", "2", "--workspace", workspace.toString());
        http = Http.at(port);
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> http.get("/actuator/health").status() == 200);
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        server.process().destroy();
        server.waitFor(30);
    }

    @Test
    void aTaskEverySecondRunsAtLeastThreeTimesInFourSecondsAndStopsAtCancel() throws IOException {
        CliRun add = CliRun.in(workspace, "add", "beat", "grind", "--every", "1s", "--command", "echo x >> beats");
        assertThat(add.exitCode()).as(add.err()).isZero();

        await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(50)).until(() -> beats() >= 3);

        JsonNode story = http.get("/tasks/beat").json();
        assertThat(story.toString()).contains("\"every\":\"1s\"").contains("\"runs\"");
        assertThat(CliRun.in(workspace, "cancel", "beat").exitCode()).isZero();
        long atCancel = beats();
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> beats() == atCancel);
        assertThat(http.get("/tasks/beat").json().toString()).contains("cancelled");
    }

    private static long beats() throws IOException {
        Path file = workspace.resolve("beats");
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }
}
