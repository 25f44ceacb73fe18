package io.vivarium.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.api.VivariumServer;
import io.vivarium.llm.openai.OpenAiChatModel;
import io.vivarium.llm.LlmException;
import io.vivarium.llm.LlmSettings;
import io.vivarium.plan.PlanRequest;
import io.vivarium.plan.PlanResult;
import io.vivarium.plan.Planner;
import io.vivarium.plan.ScanSettings;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.Takeover;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliRun;
import io.vivarium.support.Http;
import io.vivarium.support.HoldLock;
import io.vivarium.support.JavaProcess;
import io.vivarium.support.LlmStandIn;
import io.vivarium.support.RawHttp;
import io.vivarium.support.OddFiles;
import io.vivarium.support.ServerWorkspace;
import io.vivarium.support.WorkspaceFiles;
import io.vivarium.task.RetryPolicy;
import io.vivarium.task.TaskStatus;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The bad-input campaign: hostile HTTP bodies, headers and paths, and broken workspace files. Every answer is a
 * clear 4xx (or a 5xx naming the broken file), never a stack trace, and no file is changed or lost.
 */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token=", "vivarium.llm.api-key="})
class BadInputCampaignTest {

    static final Path WORKSPACE = ServerWorkspace.create("bad-input");

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
    }

    @LocalServerPort
    int port;

    Http http;
    byte[] queue;

    @BeforeEach
    void aQueueToProtect() {
        http = Http.at(port);
        CliRun.in(WORKSPACE, "clear");
        CliRun.in(WORKSPACE, "add", "keep_1", "grind");
        CliRun.in(WORKSPACE, "add", "keep_2", "grind", "--depends-on", "keep_1");
        queue = WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"));
    }

    private void assertClientError(Http.Response r) {
        assertThat(r.status()).as(r.body()).isBetween(400, 499);
        assertThat(r.body()).doesNotContain("Exception", "\tat ", "at io.vivarium", "at org.spring");
        assertThat(WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"))).isEqualTo(queue);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "}", "{\"a\":}", "\"grind\"", "123", "[]", "{\"min_budget\": NaN}",
            "{\"min_budget\": 1e309}", "{\"intensity\": null, \"intensity\": \"high\", \"x\": 1}",
            "{\"command\": {\"$ne\": 1}}", "{\"timeout\": 1e400}", "\u0000\u0001", "{\"task_id\": \"a\\u0000b\"}"})
    void malformedGrindBodies(String body) {
        assertClientError(http.post("/grind", body));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"id\": \"a\\u0000b\"}", "{\"id\": \"../../etc/passwd\"}", "{\"id\": \"\u202Eevil\"}",
            "{\"id\": \"CON\\\\x\"}", "{\"id\": 12}", "{\"id\": [\"a\"]}", "{\"id\": \"ok\", \"max_attempts\": 1e10}",
            "{\"id\": \"ok\", \"depends_on\": \"keep_1\"}", "{\"id\": \"ok\", \"depends_on\": [\"ok\"]}",
            "{\"id\": \"ok\", \"created_at\": \"yesterday\"}", "{\"id\": \"ok\", \"priority\": {}}",
            "[{\"id\": \"ok\"}, 5]", "[{\"id\": \"keep_1\"}]"})
    void hostileTasks(String body) {
        assertClientError(http.post("/tasks", body));
    }

    /** Finer than the meter's micro-dollar: once charged $0.0000, now refused wherever a budget comes in. */
    @ParameterizedTest
    @ValueSource(strings = {"1e-7", "0.0000015", "0.00009999"})
    void budgetsTheMeterCannotChargeAreRefused(String dollars) {
        Http.Response task = http.post("/tasks", "{\"id\": \"tiny\", \"min_budget\": " + dollars + "}");
        Http.Response grindMin = http.post("/grind", "{\"min_budget\": " + dollars + "}");
        CliRun add = CliRun.in(WORKSPACE, "add", "tiny", "grind", "--min", dollars);

        assertClientError(task);
        assertThat(task.json().get("field").asString()).isEqualTo("min_budget");
        assertClientError(grindMin);
        assertThat(grindMin.json().get("field").asString()).isEqualTo("min_budget");
        assertThat(grindMin.json().get("detail").asString()).contains("whole number of micro-dollars");
        assertThat(add.exitCode()).isEqualTo(2);
        assertThat(add.errLines()).singleElement().asString()
                .startsWith("vivarium add: --min: min_budget must be a whole number of micro-dollars");
        assertThat(WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"))).isEqualTo(queue);
    }

    @Test
    void aGrindEnvThatIsNotANameListIsOneLine() {
        for (String verb : new String[] {"start", "worker run", "serve --port 0"}) {
            List<String> args = new ArrayList<>(List.of(verb.split(" ")));
            args.addAll(List.of("--grind-env", "TOGETHER_API_KEY;rm -rf /"));
            CliRun run = CliRun.in(WORKSPACE, args.toArray(String[]::new));

            assertThat(run.exitCode()).as(verb).isEqualTo(2);
            assertThat(run.errLines()).as(verb).singleElement().asString().contains("--grind-env lists environment variable names");
        }
    }

    @Test
    void anOversizedBodyIs413() {
        String big = "{\"command\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        Http.Response r = http.post("/grind", big);

        assertThat(r.status()).isEqualTo(413);
        assertClientError(r);
    }

    @Test
    void deeplyNestedJsonIsRefused() {
        assertClientError(http.post("/tasks", "[".repeat(5000) + "]".repeat(5000)));
        assertClientError(http.post("/grind", "{\"a\":".repeat(3000) + "1" + "}".repeat(3000)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/tasks/..%2F..%2Fetc%2Fpasswd", "/tasks/%00", "/tasks/" + "a", "/tasks/%E2%80%AE",
            "/tasks/.lock", "/tasks/keep_1%2F..%2Fx"})
    void hostilePaths(String path) {
        Http.Response r = http.get(path);
        assertThat(r.status()).as(path + " " + r.body()).isIn(400, 404);
        assertThat(r.body()).doesNotContain("Exception");
        assertThat(http.post(path + "/cancel", null).status()).isIn(400, 404);
    }

    @Test
    void hostileHeadersAreClientErrors() throws IOException {
        assertClientError(http.postRaw("/grind", "application/json; charset=x-bogus", "{}"));
        assertClientError(http.postRaw("/grind", "text/xml", "<grind/>"));
        assertThat(rawRequest("GET /status HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 4");
        assertThat(rawRequest("GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 4");
        assertThat(WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"))).isEqualTo(queue);
    }

    private String rawRequest(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            byte[] answer = socket.getInputStream().readNBytes(64);
            return new String(answer, StandardCharsets.ISO_8859_1);
        }
    }

    /** What a web page can make its visitor's browser send: a rebound name, a cross-site form or no-cors fetch. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            the report's rebinding curl       | POST | /grind               | evil.example.com:8420 | http://evil.example.com:8420 | -          | application/json                  | {"command": "touch pwned"}
            rebound name reads the queue      | GET  | /tasks               | evil.example.com      | -                            | -          | -                                 | -
            rebound name adds a task          | POST | /tasks               | 127.0.0.1.nip.io      | -                            | -          | application/json                  | {"id": "planted"}
            cross-site form cancels a task    | POST | /tasks/keep_1/cancel | -                     | http://evil.example.com      | cross-site | application/x-www-form-urlencoded | a=1
            cross-site text/plain retry       | POST | /tasks/keep_1/retry  | -                     | http://evil.example.com      | cross-site | text/plain                        | x
            no-cors plan, no body, no type    | POST | /plan                | -                     | http://evil.example.com      | cross-site | -                                 | -
            opaque origin grinds              | POST | /grind               | -                     | null                         | cross-site | application/json                  | {"command": "touch pwned"}
            same-site fetch without Origin    | POST | /tasks               | -                     | -                            | same-site  | application/json                  | {"id": "planted"}
            form post without Origin          | POST | /tasks               | -                     | -                            | -          | application/x-www-form-urlencoded | id=planted
            text/plain cancel without Origin  | POST | /tasks/keep_1/cancel | -                     | -                            | -          | text/plain                        | x
            untyped body on a DELETE          | DELETE | /tasks/keep_1      | -                     | -                            | -          | -                                 | x
            """)
    void hostileBrowserRequests(String name, String method, String path, String host, String origin, String site,
                                String contentType, String body) {
        Http.Response r = RawHttp.to(port).header("Host", host == null ? "127.0.0.1:" + port : host)
                .header("Origin", origin).header("Sec-Fetch-Site", site).header("Content-Type", contentType)
                .send(method, path, body);

        assertClientError(r);
        assertThat(r.status()).as(r.body()).isIn(403, 415);
        assertThat(WORKSPACE.resolve("pwned")).doesNotExist();
        assertThat(CliRun.in(WORKSPACE, "status").out()).contains("Cancelled:        0");
    }

    /** Answers cut off at max_tokens anywhere: the complete tasks (a dry run here) or a 502-kind refusal. */
    @Test
    void cutOffLlmAnswers() throws IOException {
        String answer = LlmStandIn.GOOD_PLAN;
        try (MockWebServer llm = new MockWebServer()) {
            llm.start();
            LlmSettings settings = LlmSettings.from(Map.of("VIVARIUM_LLM_BASE_URL", llm.url("/v1").toString(),
                    "TOGETHER_API_KEY", "test-key", "VIVARIUM_LLM_MAX_RETRIES", "0"));
            Planner planner = new Planner(new OpenAiChatModel(settings), settings,
                    new FileTaskStore(WORKSPACE, Clock.systemUTC()), WORKSPACE, ScanSettings.defaults());
            for (int cut = 1; cut < answer.length(); cut += 23) {
                llm.enqueue(LlmStandIn.cutOff(answer.substring(0, cut)));
                try {
                    PlanResult result = planner.plan(new PlanRequest(null, null, true));
                    assertThat(result.tasks()).isNotEmpty();
                    assertThat(result.notes().get(0)).contains("cut off at max_tokens");
                } catch (LlmException refused) {
                    assertThat(refused.kind()).as(refused.getMessage()).isEqualTo(LlmException.Kind.BAD_ANSWER);
                    assertThat(refused.getMessage()).contains("max_tokens");
                }
            }
        }
        assertThat(WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"))).isEqualTo(queue);
    }

    @Test
    void truncatedFilesAreReportedAndNeverOverwritten() throws IOException {
        Path queueFile = WORKSPACE.resolve("queue.json");
        byte[] whole = Files.readAllBytes(queueFile);
        for (int cut : new int[] {1, whole.length / 3, whole.length / 2, whole.length - 3}) {
            byte[] torn = java.util.Arrays.copyOf(whole, cut);
            Files.write(queueFile, torn);

            Http.Response status = http.get("/status");
            assertThat(status.status()).isEqualTo(500);
            assertThat(status.json().get("path").asString()).isEqualTo(queueFile.toString());
            assertThat(http.post("/tasks", "{\"id\": \"new\"}").status()).isEqualTo(500);
            CliRun add = CliRun.in(WORKSPACE, "add", "new", "grind");
            assertThat(add.exitCode()).isEqualTo(2);
            assertThat(add.err()).contains(queueFile.toString()).contains("left unchanged");
            assertThat(CliRun.in(WORKSPACE, "start").exitCode()).isEqualTo(2);
            // `clear` is the one verb that goes on: it moves such a file aside (HandEditsTest).
            assertThat(Files.readAllBytes(queueFile)).isEqualTo(torn);
        }
        Files.write(queueFile, whole);
        Path log = WORKSPACE.resolve("execution_log.json");
        Files.writeString(log, "{\"version\": \"1.0\", \"tasks\": {\"keep_1\": {\"status\": \"exploded\"}}}");
        assertThat(http.get("/status").status()).isEqualTo(500);
        assertThat(CliRun.in(WORKSPACE, "status").err()).contains("status must be one of");
        Files.delete(log);
    }

    @Test
    void garbageClaimFilesAreTakenOverOrIgnored() throws IOException {
        Path locks = WORKSPACE.resolve("task_locks");
        Files.writeString(locks.resolve("keep_1.lock"), "\u0000garbage{{{");
        Files.writeString(locks.resolve("ghost.lock"), "not json");
        Files.writeString(locks.resolve("not a task.lock"), "x");

        assertThat(CliRun.in(WORKSPACE, "status").exitCode()).isZero();
        CliRun start = CliRun.in(WORKSPACE, "start", "2", "--lease", "2");

        assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
        assertThat(Files.exists(locks.resolve("keep_1.lock"))).isFalse();
        assertThat(Files.exists(locks.resolve("not a task.lock"))).isTrue();
        CliRun.in(WORKSPACE, "clear");
        assertThat(Files.exists(locks.resolve("ghost.lock"))).isFalse();
        Files.delete(locks.resolve("not a task.lock"));
    }

    @Test
    void aNamedPipeForAWorkspaceFileIsA500NamingItAtOnce() throws Exception {
        for (String name : List.of("queue.json", "execution_log.json")) {
            Path file = WORKSPACE.resolve(name);
            byte[] whole = Files.readAllBytes(file);
            Files.delete(file);
            OddFiles.fifo(file);
            try {
                for (java.util.concurrent.Callable<Http.Response> request : List.<java.util.concurrent.Callable<Http.Response>>of(
                        () -> http.get("/status"), () -> http.get("/tasks"), () -> http.post("/tasks", "{\"id\": \"new\"}"),
                        () -> http.post("/tasks/keep_1/retry", null), () -> http.post("/tasks/keep_1/cancel", null))) {
                    Http.Response r = OddFiles.within(Duration.ofSeconds(15), List.of(file), request);

                    assertThat(r.status()).as(r.body()).isEqualTo(500);
                    assertThat(r.json().get("path").asString()).isEqualTo(file.toString());
                    assertThat(r.json().get("detail").asString()).contains("named pipe");
                    assertThat(r.body()).doesNotContain("Exception", "\tat ");
                }
                CliRun status = OddFiles.within(Duration.ofSeconds(15), List.of(file), () -> CliRun.in(WORKSPACE, "status"));
                assertThat(status.exitCode()).isEqualTo(2);
                assertThat(status.errLines()).hasSize(1);
            } finally {
                Files.delete(file);
                Files.write(file, whole);
            }
        }
    }

    @Test
    void aLinkedTaskLocksIsRefusedNamingItAndNothingBehindItChanges(@TempDir Path outside) throws Exception {
        Path locks = WORKSPACE.resolve("task_locks");
        Path realLocks = Files.move(locks, WORKSPACE.resolve("task_locks.real"));
        Files.writeString(outside.resolve("x.lock"), "precious");
        Files.writeString(outside.resolve("keep_1.lock"), "precious");
        OddFiles.link(locks, outside);
        try {
            for (Http.Response r : List.of(http.post("/tasks", "{\"id\": \"new\"}"),
                    http.post("/tasks/keep_1/cancel", null), http.post("/tasks/keep_1/retry", null))) {
                assertThat(r.status()).as(r.body()).isEqualTo(500);
                assertThat(r.json().get("path").asString()).isEqualTo(locks.toString());
                assertThat(r.json().get("detail").asString()).contains("symbolic link");
            }
            for (String verb : List.of("clear", "status", "worker")) {
                CliRun run = verb.equals("worker") ? CliRun.in(WORKSPACE, "worker", "run") : CliRun.in(WORKSPACE, verb);
                assertThat(run.exitCode()).as(verb + ": " + run.err()).isEqualTo(2);
                assertThat(run.err()).contains(locks.toString());
            }

            assertThat(Files.readString(outside.resolve("x.lock"))).isEqualTo("precious");
            assertThat(Files.readString(outside.resolve("keep_1.lock"))).isEqualTo("precious");
            try (var listing = Files.list(outside)) {
                assertThat(listing).hasSize(2);
            }
            assertThat(WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"))).isEqualTo(queue);
        } finally {
            Files.delete(locks);
            Files.move(realLocks, locks);
        }
    }

    @Test
    void aLinkAtATempNameOrForTheLockFileIsNeverFollowed(@TempDir Path outside) throws Exception {
        Path victim = Files.writeString(outside.resolve("victim"), "precious");
        Path tempLink = OddFiles.link(WORKSPACE.resolve(".queue.json.tmp"), victim);
        try {
            assertThat(http.post("/tasks", "{\"id\": \"via_link\"}").status()).isEqualTo(201);
            assertThat(Files.readString(victim)).isEqualTo("precious");
            assertThat(WorkspaceFiles.queue(WORKSPACE).get("tasks")).hasSize(3);
        } finally {
            Files.delete(tempLink);
        }

        Path lockFile = WORKSPACE.resolve("task_locks/.workspace.lock");
        byte[] before = WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"));
        Files.delete(lockFile);
        OddFiles.link(lockFile, outside.resolve("made-by-vivarium"));
        try {
            Http.Response r = http.post("/tasks", "{\"id\": \"refused\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(500);
            assertThat(r.json().get("path").asString()).isEqualTo(lockFile.toString());
            CliRun add = CliRun.in(WORKSPACE, "add", "refused", "grind");
            assertThat(add.exitCode()).isEqualTo(2);
            assertThat(add.err()).contains(lockFile.toString()).contains("symbolic link");
            assertThat(outside.resolve("made-by-vivarium")).doesNotExist();
            assertThat(WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"))).isEqualTo(before);
        } finally {
            Files.delete(lockFile);
        }
    }

    @Test
    void oddClaimFilesAreLeftOutOfStatusAndRemovedWithoutBeingFollowed(@TempDir Path outside) throws Exception {
        Path locks = WORKSPACE.resolve("task_locks");
        Path victim = Files.writeString(outside.resolve("victim"), "precious");
        Path pipe = OddFiles.fifo(locks.resolve("keep_1.lock"));
        OddFiles.sparse(locks.resolve("keep_2.lock"), 3L << 30);
        OddFiles.link(locks.resolve("zero.lock"), Path.of("/dev/zero"));
        OddFiles.link(locks.resolve("victim.lock"), victim);

        CliRun status = OddFiles.within(Duration.ofSeconds(15), List.of(pipe), () -> CliRun.in(WORKSPACE, "status"));
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("Active claims: none");
        CliRun clear = OddFiles.within(Duration.ofSeconds(15), List.of(pipe), () -> CliRun.in(WORKSPACE, "clear"));
        assertThat(clear.exitCode()).as(clear.err()).isZero();

        assertThat(Files.readString(victim)).isEqualTo("precious");
        try (var listing = Files.list(locks)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(".journal", ".workspace.lock");
        }
    }

    @Test
    void aLiveOwnerWithASkewedClockIsStillTakenOverAfterTheLease(@TempDir Path scratch) throws Exception {
        Path lockFile = WORKSPACE.resolve("task_locks/keep_1.lock");
        Files.writeString(WORKSPACE.resolve("execution_log.json"), """
                {"version": "1.0", "tasks": {"keep_1": {"worker_id": "worker_skewed", "status": "in_progress", "attempts": 1}}}
                """);
        String record = "{\"task_id\":\"keep_1\",\"worker_id\":\"worker_skewed\",\"pid\":1,\"host\":\"elsewhere\","
                + "\"acquired_at\":\"2100-01-01T00:00:00+00:00\",\"heartbeat_at\":\"2100-01-01T00:00:00+00:00\"}";
        Process owner = JavaProcess.start(scratch.resolve("owner.out"), HoldLock.class, lockFile.toString(), record, "60000");
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(scratch.resolve("owner.out")).contains("locked"));
            Files.setLastModifiedTime(lockFile, FileTime.from(Instant.now().minusSeconds(10)));
            FileTaskStore store = new FileTaskStore(WORKSPACE, Clock.systemUTC(),
                    StoreSettings.withLease(Duration.ofSeconds(2), RetryPolicy.DEFAULT));

            List<Takeover> takeovers = new io.vivarium.worker.StaleClaimReaper(store).reap();

            assertThat(takeovers).extracting(Takeover::reason).containsExactly(Takeover.Reason.LEASE_EXPIRED);
            assertThat(store.snapshot().statusOf("keep_1")).isEqualTo(TaskStatus.PENDING);
        } finally {
            owner.destroyForcibly().waitFor();
        }
    }

    @Test
    void clockSkewInTheOtherDirectionIsJustAStaleClaim() throws IOException {
        Files.writeString(WORKSPACE.resolve("task_locks/keep_1.lock"),
                "{\"task_id\":\"keep_1\",\"worker_id\":\"w\",\"pid\":1,\"host\":\"h\",\"heartbeat_at\":\"1970-01-01T00:00:00Z\"}");

        assertThat(CliRun.in(WORKSPACE, "status").out()).contains("keep_1").contains("STALE");
        CliRun start = CliRun.in(WORKSPACE, "start", "1");
        assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
    }

    // --- issue 9: start-up settings, remote grinds, the LLM endpoint ---

    @ParameterizedTest
    @ValueSource(strings = {"fifo", "oversized", "directory"})
    void aDotEnvThatCannotBeReadIsOneLineAndChangesNothing(String kind) throws Exception {
        Path env = WORKSPACE.resolve(".env");
        try {
            switch (kind) {
                case "fifo" -> new ProcessBuilder("mkfifo", env.toString()).start().waitFor();
                case "oversized" -> Files.writeString(env, "X=" + "x".repeat(70 * 1024));
                default -> Files.createDirectory(env);
            }
            // every verb that reads a setting (add reads none)
            for (String[] verb : new String[][] {{"status"}, {"start"}, {"worker", "run"}, {"plan"}, {"serve"}}) {
                CliRun run = CliRun.in(WORKSPACE, verb);

                assertThat(run.exitCode()).as(String.join(" ", verb)).isEqualTo(2);
                assertThat(run.errLines()).hasSize(1).allMatch(line -> line.contains(env.toString()));
            }
            assertThat(WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"))).isEqualTo(queue);
        } finally {
            if (Files.isDirectory(env)) {
                Files.delete(env);
            } else {
                Files.deleteIfExists(env);
            }
        }
    }

    @Test
    void aGrindWhoseClientHangsUpMidwayStops(@TempDir Path scratch) throws Exception {
        Path pidFile = scratch.resolve("grind.pid");
        String body = "{\"command\": \"echo $$ > " + pidFile + "; exec sleep 60\", \"max_budget\": 5}";
        long pid;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("POST /grind HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
            pid = Long.parseLong(Files.readString(pidFile).strip());
        }

        await().atMost(Duration.ofSeconds(8)).until(() -> !io.vivarium.support.Processes.isRunning(pid));
    }

    @Test
    void anLlmEndpointThatRefusesIsNamedNotNull() throws IOException {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CliRun plan = CliRun.in(WORKSPACE, java.util.Map.of("TOGETHER_API_KEY", "k",
                "VIVARIUM_LLM_BASE_URL", "http://127.0.0.1:" + closed + "/v1", "VIVARIUM_LLM_MAX_RETRIES", "0"), "plan");

        assertThat(plan.exitCode()).isEqualTo(1);
        assertThat(plan.errLines()).containsExactly(
                "vivarium plan: cannot reach the LLM endpoint at http://127.0.0.1:" + closed + "/v1: connection refused");
        assertThat(WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"))).isEqualTo(queue);
    }
}
