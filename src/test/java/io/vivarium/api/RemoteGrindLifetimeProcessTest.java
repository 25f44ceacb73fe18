package io.vivarium.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import io.vivarium.support.Http;
import io.vivarium.support.Processes;
import io.vivarium.support.WorkspaceFiles;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * In real processes: a grind a worker runs on a server ({@code start --api-url}) ends when the worker's claim ends,
 * and {@code serve} stops on SIGTERM within its grace, grinds in flight or not.
 */
class RemoteGrindLifetimeProcessTest {

    @TempDir
    Path serverWorkspace;

    @TempDir
    Path workerWorkspace;

    @TempDir
    Path scratch;

    CliProcess server;
    CliProcess worker;
    int port;

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (CliProcess p : new CliProcess[] {worker, server}) {
            if (p != null && p.isAlive()) {
                p.process().destroyForcibly();
                p.process().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private Http serve(String... extra) throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String[] base = {"serve", "--port", String.valueOf(port), "-w", serverWorkspace.toString()};
        server = CliProcess.start(scratch.resolve("serve.out"),
                java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                        .toArray(String[]::new));
        Http http = Http.at(port);
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> http.get("/actuator/health").status() == 200);
        return http;
    }

    /** Adds a task whose grind records its pid and sleeps; starts a worker that sends it to the server. */
    private long remoteSleepRunning(Path pidFile) {
        CliRun.in(workerWorkspace, "add", "remote_sleep", "grind", "--max", "5",
                "--command", "echo $$ > " + pidFile + "; exec sleep 60");
        worker = CliProcess.start(scratch.resolve("worker.out"), "start", "1", "--api-url",
                "http://127.0.0.1:" + port, "-w", workerWorkspace.toString(), "--lease", "2");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        long pid = Long.parseLong(readQuietly(pidFile));
        assertThat(Processes.isRunning(pid)).isTrue();
        return pid;
    }

    @Test
    void aWorkerKilledWithSigkillTakesItsRemoteGrindWithIt() throws Exception {
        serve("--workers", "0");
        long grind = remoteSleepRunning(scratch.resolve("grind.pid"));

        worker.signal("KILL");

        await().atMost(Duration.ofSeconds(8)).until(() -> !Processes.isRunning(grind));
    }

    @Test
    void cancellingTheTaskEndsItsRemoteGrind() throws Exception {
        serve("--workers", "0");
        long grind = remoteSleepRunning(scratch.resolve("grind.pid"));

        assertThat(CliRun.in(workerWorkspace, "cancel", "remote_sleep").exitCode()).isZero();

        await().atMost(Duration.ofSeconds(8)).until(() -> !Processes.isRunning(grind));
        worker.waitFor(30);
        assertThat(WorkspaceFiles.log(workerWorkspace).get("tasks").get("remote_sleep").get("status").asString())
                .isEqualTo("cancelled");
    }

    @Test
    void sigtermStopsServeWithinItsGraceWithAGrindInFlightAndReleasesClaims() throws Exception {
        Http http = serve("--workers", "1", "--grace", "1");
        Path pidFile = scratch.resolve("http-grind.pid");
        CompletableFuture<Http.Response> inFlight = CompletableFuture.supplyAsync(() -> http.post("/grind",
                "{\"command\": \"echo $$ > " + pidFile + "; exec sleep 60\", \"max_budget\": 5}"));
        CliRun.in(serverWorkspace, "add", "embedded_sleep", "grind", "--max", "5", "--command", "exec sleep 60");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pidFile)
                && WorkspaceFiles.claimOf(serverWorkspace, "embedded_sleep").isPresent()
                && !readQuietly(pidFile).isEmpty());
        long grind = Long.parseLong(readQuietly(pidFile));

        long signalled = System.nanoTime();
        server.signal("TERM");
        server.waitFor(30);
        Duration took = Duration.ofNanos(System.nanoTime() - signalled);

        // 1 s of grace, then the grinds are stopped; before, two 30 s shutdown phases ran out first
        assertThat(took).as(server.output()).isLessThan(Duration.ofSeconds(12));
        assertThat(inFlight.get(5, TimeUnit.SECONDS).body()).contains("\"error\":\"stopped: server shutting down\"");
        assertThat(Processes.isRunning(grind)).isFalse();
        assertThat(WorkspaceFiles.claimOf(serverWorkspace, "embedded_sleep")).as("the embedded worker's claim is released").isEmpty();
        JsonNode summary = JsonMapper.builder().build().readTree(CliRun.in(serverWorkspace, "status", "--json").out());
        assertThat(summary.get("in_progress").asInt()).isZero();
        assertThat(summary.get("pending").asInt()).as("given back, not failed").isEqualTo(1);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
