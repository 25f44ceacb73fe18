package io.vivarium.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import io.vivarium.support.Http;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import tools.jackson.databind.JsonNode;

/**
 * {@code serve} in its own JVM with three embedded workers and a queue in every state: the page a user meets
 * (saved as a screenshot), and the live stream coming back by itself after the server restarts.
 */
@ExtendWith(Chromium.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardServeTest {

    /** {@code -Dvivarium.screenshot=docs/dashboard.png} refreshes the README's picture; by default it stays in target/. */
    static final Path SCREENSHOT = Path.of(System.getProperty("vivarium.screenshot", "target/dashboard.png"));

    @TempDir
    static Path workspace;

    @TempDir
    static Path scratch;

    static final List<CliProcess> servers = new ArrayList<>();
    static int port;

    @AfterAll
    static void stopServers() throws InterruptedException {
        for (CliProcess server : servers) {
            if (server.isAlive()) {
                server.process().destroy();
                server.waitFor(30);
            }
        }
    }

    @Test
    @Order(1)
    void aRealisticQueueAsTheUserSeesIt(ChromeDriver browser) throws Exception {
        aRealisticQueue();
        port = freePort();
        Http http = startServer(3);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            JsonNode summary = http.get("/status").json();
            return summary.get("completed").asInt() == 4 && summary.get("failed").asInt() == 1
                    && summary.get("in_progress").asInt() == 3 && summary.get("blocked").asInt() == 1;
        });

        Dashboard page = Dashboard.open(browser, port).awaitLive();
        page.awaitRow("docs_api", "in_progress");
        await().atMost(Dashboard.PATIENCE).until(() -> page.find("#workers").getText().contains("refactor_retry"));
        assertThat(page.find("#waiting").getText()).contains("flaky_net", "in backoff", "blocked", "on a dependency");
        assertThat(page.find("#next").getText()).contains("Nothing can run right now");
        assertThat(page.consoleErrors()).isEmpty();

        // Relative times read "4s ago" rather than "just now", as they would when someone looks.
        await().atMost(Dashboard.PATIENCE).until(() -> page.findAll("#task-rows time").stream()
                .noneMatch(t -> t.getText().equals("just now")));
        long height = (Long) browser.executeScript("return document.documentElement.scrollHeight");
        browser.manage().window().setSize(new Dimension(1400, (int) Math.min(height + 140, 1600)));
        page.screenshot(scratch.resolve("dashboard.png"));
        Files.createDirectories(SCREENSHOT.toAbsolutePath().getParent());
        Files.copy(scratch.resolve("dashboard.png"), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);

        // For a reviewer's eyes, beside the build output: one task's story, dark mode, a phone.
        page.openTask("lint_orchestrator");
        assertThat(page.find("#task-body").getText()).contains("E501 line too long", "Waited on by", "type_hints");
        page.screenshot(Path.of("target", "dashboard-task.png"));
        browser.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        page.screenshot(Path.of("target", "dashboard-task-dark.png"));
        page.find("#task-dialog [data-close]").click();
        page.screenshot(Path.of("target", "dashboard-dark.png"));
        browser.manage().window().setSize(new Dimension(390, 1600));
        page.screenshot(Path.of("target", "dashboard-phone-dark.png"));
        browser.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "light"))));
        browser.manage().window().setSize(new Dimension(1400, 1000));
        assertThat(page.consoleErrors()).isEmpty();
    }

    @Test
    @Order(2)
    void theLiveStreamComesBackAfterTheServerRestarts(ChromeDriver browser) throws Exception {
        if (servers.isEmpty()) {
            port = freePort();
            startServer(0);
        }
        Dashboard page = Dashboard.open(browser, port).awaitLive();
        browser.executeScript("window.notReloaded = true");

        CliProcess first = servers.get(servers.size() - 1);
        long stopping = System.nanoTime();
        first.process().destroy();
        first.waitFor(60);
        // An open stream must not hold the graceful shutdown up until its 30 s timeout.
        assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(20));
        await().atMost(Dashboard.PATIENCE).ignoreExceptions()
                .until(() -> page.find("#live").getDomAttribute("data-state").equals("reconnecting"));

        startServer(0);
        page.awaitLive();
        CliRun.in(workspace, "add", "after_restart", "grind", "--description", "added while the page kept watching");

        page.awaitRow("after_restart");
        assertThat(browser.executeScript("return window.notReloaded === true")).isEqualTo(true);
    }

    private static Http startServer(int workers) {
        CliProcess server = CliProcess.start(scratch.resolve("serve-" + servers.size() + ".out"), Map.of(),
                "serve", "--port", String.valueOf(port), "--workers", String.valueOf(workers),
                "--backoff", "300", "--rate", "0.05", "--workspace", workspace.toString());
        servers.add(server);
        Http http = Http.at(port);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> http.get("/actuator/health").status() == 200);
        return http;
    }

    /** A morning's work on a small Python project: done, failing, waiting, running and cancelled tasks. */
    private static void aRealisticQueue() {
        add("scan_repo", "Index the repository and list modules without tests", "high",
                "--command", "sleep 1; echo 'indexed 42 modules, 9 without tests'");
        add("tests_parser", "Add unit tests for app/parser.py", "high",
                "--command", "sleep 2.4; echo '18 passed in 2.3s'", "--max", "0.25");
        add("tests_utils", "Add unit tests for app/utils.py", "medium",
                "--command", "sleep 1.5; echo '11 passed in 1.4s'");
        add("lint_orchestrator", "Fix flake8 warnings in orchestrator.py", "high",
                "--command", "echo 'orchestrator.py:88:80: E501 line too long (97 > 79 characters)' >&2; exit 1",
                "--max-attempts", "1");
        add("type_hints", "Add type hints to the public functions of worker.py", "medium",
                "--depends-on", "lint_orchestrator");
        add("flaky_net", "Stabilise the flaky network integration test", "medium",
                "--command", "echo 'ConnectionResetError: [Errno 104]' >&2; exit 2", "--max-attempts", "3");
        add("cleanup_tmp", "Remove stale temp files from the workspace", "low", "--command", "true");
        CliRun.in(workspace, "cancel", "cleanup_tmp");
        add("hardest_module", "Find the module that is hardest to test", "medium",
                "--command", "sleep 0.3; echo 'app/scheduler.py: global state and wall-clock time'");
        add("refactor_retry", "Refactor the retry loop in orchestrator.py", "medium",
                "--command", "sleep 600", "--max", "5", "--intensity", "high");
        add("bench_claims", "Benchmark claim throughput with 8 workers", "medium",
                "--command", "sleep 600", "--max", "3");
        add("docs_api", "Document the HTTP API in docs/api.md", "low",
                "--command", "sleep 600", "--max", "1.5", "--intensity", "low");
        add("summarize_bench", "Summarise the benchmark results for the README", "low",
                "--depends-on", "bench_claims");
        add("release_notes", "Draft release notes for 0.2.0", "medium",
                "--depends-on", "refactor_retry,docs_api", "--prompt", "Write release notes from the merged tasks");
    }

    private static void add(String id, String description, String priority, String... more) {
        List<String> args = new ArrayList<>(List.of("add", id, "grind", "--description", description,
                "--priority", priority));
        args.addAll(List.of(more));
        CliRun run = CliRun.in(workspace, args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
