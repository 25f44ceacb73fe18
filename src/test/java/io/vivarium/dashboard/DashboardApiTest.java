package io.vivarium.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.api.VivariumServer;
import io.vivarium.support.CliRun;
import io.vivarium.support.ServerWorkspace;
import io.vivarium.support.WorkspaceFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the dashboard needs from the server, over real HTTP and without a browser: it runs on every machine. */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token="})
class DashboardApiTest {

    static final Path WORKSPACE = ServerWorkspace.create("dashboard-api");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
    }

    @LocalServerPort
    int port;

    @BeforeEach
    void emptyWorkspace() {
        assertThat(CliRun.in(WORKSPACE, "clear").exitCode()).isZero();
    }

    // ---------- live stream ----------

    @Test
    void aChangeByAnotherWriterIsPushedWithinASecond() throws Exception {
        try (EventStream stream = new EventStream(port, null)) {
            assertThat(stream.status()).isEqualTo(200);
            EventStream.Event first = stream.next(Duration.ofSeconds(10));
            assertThat(first.name()).isEqualTo("changed");
            assertThat(first.data().get("summary").get("total_tasks").asInt()).isZero();

            long before = System.nanoTime();
            assertThat(CliRun.in(WORKSPACE, "add", "pushed", "grind").exitCode()).isZero();
            long written = System.nanoTime();
            EventStream.Event pushed = stream.awaitTotal(1, Duration.ofSeconds(5));
            long millis = (System.nanoTime() - written) / 1_000_000;

            assertThat(pushed).as("an event counting the new task").isNotNull();
            assertThat(pushed.name()).isEqualTo("changed");
            assertThat(millis).as("ms from the write to the event (the write took %d ms)",
                    (written - before) / 1_000_000).isLessThan(1000);
            assertThat(pushed.data().get("next").get("id").asString()).isEqualTo("pushed");
        }
    }

    @Test
    void withoutChangesTheStreamStillRefreshesEveryFewSeconds() throws Exception {
        try (EventStream stream = new EventStream(port, null)) {
            assertThat(stream.next(Duration.ofSeconds(10)).name()).isEqualTo("changed");
            EventStream.Event refresh = null;
            for (int i = 0; i < 3 && (refresh == null || !refresh.name().equals("refresh")); i++) {
                refresh = stream.next(Duration.ofSeconds(5));
            }
            assertThat(refresh).isNotNull();
            assertThat(refresh.name()).isEqualTo("refresh");
            assertThat(refresh.data().get("now").asString()).isNotBlank();
        }
    }

    @Test
    void oneWatcherThreadServesEveryClient() throws Exception {
        List<EventStream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                streams.add(new EventStream(port, null));
            }
            for (EventStream stream : streams) {
                assertThat(stream.next(Duration.ofSeconds(10))).isNotNull();
            }
            assertThat(Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("vivarium-live")).count()).isEqualTo(1);

            CliRun.in(WORKSPACE, "add", "seen_by_all", "grind");
            for (EventStream stream : streams) {
                assertThat(stream.awaitTotal(1, Duration.ofSeconds(5))).isNotNull();
            }
        } finally {
            streams.forEach(EventStream::close);
        }
    }

    // ---------- the task list: paging, filter, search ----------

    @Test
    void theTaskListPagesFiltersAndSearchesWithTheSameBodyShape() throws Exception {
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            tasks.add("{\"id\": \"item_%02d\", \"description\": \"Batch Item %d\"}".formatted(i, i));
        }
        assertThat(post("/tasks", "[" + String.join(",", tasks) + "]").statusCode()).isEqualTo(201);
        post("/tasks/item_07/cancel", "{}");

        HttpResponse<String> all = get("/tasks");
        assertThat(json(all)).hasSize(25);
        assertThat(all.headers().firstValue("X-Total-Count")).hasValue("25");
        assertThat(all.headers().firstValue("Link")).isEmpty();

        HttpResponse<String> first = get("/tasks?limit=10");
        assertThat(ids(first)).hasSize(10).startsWith("item_00").endsWith("item_09");
        assertThat(first.headers().firstValue("X-Total-Count")).hasValue("25");
        assertThat(first.headers().firstValue("Link").orElseThrow()).contains(
                "</tasks?offset=10&limit=10>; rel=\"next\"", "</tasks?offset=20&limit=10>; rel=\"last\"")
                .doesNotContain("rel=\"prev\"");

        HttpResponse<String> last = get("/tasks?offset=20&limit=10");
        assertThat(ids(last)).containsExactly("item_20", "item_21", "item_22", "item_23", "item_24");
        assertThat(last.headers().firstValue("Link").orElseThrow())
                .contains("</tasks?offset=10&limit=10>; rel=\"prev\"").doesNotContain("rel=\"next\"");

        assertThat(ids(get("/tasks?q=ITEM%201"))).containsExactly("item_01", "item_10", "item_11", "item_12",
                "item_13", "item_14", "item_15", "item_16", "item_17", "item_18", "item_19");
        assertThat(ids(get("/tasks?q=item_2&limit=2"))).containsExactly("item_20", "item_21");
        assertThat(ids(get("/tasks?status=cancelled"))).containsExactly("item_07");
        assertThat(ids(get("/tasks?status=pending&q=batch%20item%207"))).isEmpty();
        HttpResponse<String> awkward = get("/tasks?q=a%26b%3Dc&limit=5");
        assertThat(awkward.headers().firstValue("X-Total-Count")).hasValue("0");
        assertThat(awkward.headers().firstValue("Link").orElseThrow()).contains("q=a%26b%3Dc&offset=0&limit=5");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            limit=0           | limit
            limit=1001        | limit
            limit=many        | limit
            offset=-1         | offset
            status=sleeping   | status
            """)
    void badListParametersAreProblemsNamingTheParameter(String query, String field) throws Exception {
        HttpResponse<String> r = get("/tasks?" + query);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(json(r).get("field").asString()).isEqualTo(field);
    }

    // ---------- actions the page needs ----------

    @Test
    void retryAllFailedPutsEveryFailedTaskBack() throws Exception {
        CliRun.in(WORKSPACE, "add", "broken", "grind", "--command", "exit 3", "--max-attempts", "1");
        CliRun.in(WORKSPACE, "add", "after_broken", "grind", "--depends-on", "broken");
        CliRun.in(WORKSPACE, "worker", "run", "1");
        assertThat(WorkspaceFiles.log(WORKSPACE).get("tasks").get("after_broken").get("status").asString())
                .isEqualTo("blocked");

        HttpResponse<String> r = post("/tasks/retry-failed", "{}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("retried").valueStream().map(JsonNode::asString)).containsExactly("broken", "after_broken");
        assertThat(WorkspaceFiles.log(WORKSPACE).get("swarm_summary").get("pending").asInt()).isEqualTo(2);
        assertThat(json(post("/tasks/retry-failed", "{}")).get("retried")).isEmpty();
    }

    @Test
    void clearMustBeConfirmedInTheBody() throws Exception {
        CliRun.in(WORKSPACE, "add", "keep_me", "grind");
        byte[] queue = WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"));

        for (String body : new String[] {"{}", "{\"confirm\": false}", ""}) {
            HttpResponse<String> refused = post("/tasks/clear", body);
            assertThat(refused.statusCode()).as(body).isEqualTo(400);
            assertThat(json(refused).get("field").asString()).as(body).isIn("confirm", "body");
        }
        assertThat(json(post("/tasks/clear", "{\"confirm\": \"yes\"}")).get("field").asString()).isEqualTo("confirm");
        assertThat(WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"))).isEqualTo(queue);

        HttpResponse<String> cleared = post("/tasks/clear", "{\"confirm\": true}");
        assertThat(cleared.statusCode()).isEqualTo(200);
        assertThat(json(cleared).get("tasks_removed").asInt()).isEqualTo(1);
        assertThat(WorkspaceFiles.queue(WORKSPACE).get("tasks")).isEmpty();
    }

    @Test
    void oneTasksStoryNamesWhatWaitsOnItAndWhy() throws Exception {
        CliRun.in(WORKSPACE, "add", "base", "grind");
        CliRun.in(WORKSPACE, "add", "left", "grind", "--depends-on", "base");
        CliRun.in(WORKSPACE, "add", "right", "grind", "--depends-on", "base");

        JsonNode base = json(get("/tasks/base"));
        assertThat(base.get("dependents").valueStream().map(JsonNode::asString)).containsExactly("left", "right");
        assertThat(base.has("waiting")).isFalse();
        JsonNode left = json(get("/tasks/left"));
        assertThat(left.get("waiting").get("kind").asString()).isEqualTo("dependency");
        assertThat(left.get("waiting").get("detail").asString()).isEqualTo("waits for 'base' (pending)");

        post("/tasks/base/cancel", "{}");
        JsonNode blocked = json(get("/tasks/right"));
        assertThat(blocked.get("status").asString()).isEqualTo("blocked");
        assertThat(blocked.get("waiting").get("kind").asString()).isEqualTo("blocked");
        assertThat(blocked.get("waiting").get("detail").asString()).contains("base");
    }

    @Test
    void theOverviewSaysWhatRunsNextWhyOthersWaitAndWhereTheMoneyWent() throws Exception {
        CliRun.in(WORKSPACE, "add", "cheap", "grind", "--priority", "low");
        CliRun.in(WORKSPACE, "add", "dear", "grind", "--min", "0.2", "--max", "0.5");
        CliRun.in(WORKSPACE, "worker", "run", "2");
        CliRun.in(WORKSPACE, "add", "urgent", "grind", "--priority", "high");
        CliRun.in(WORKSPACE, "add", "later", "grind", "--depends-on", "urgent");

        JsonNode overview = json(get("/overview"));

        assertThat(overview.get("summary").get("completed").asInt()).isEqualTo(2);
        assertThat(overview.get("next").get("id").asString()).isEqualTo("urgent");
        assertThat(overview.get("waiting").get("dependency").asInt()).isEqualTo(1);
        assertThat(overview.get("waiting").get("examples").get(0).get("task_id").asString()).isEqualTo("later");
        assertThat(overview.get("spend").get("total").asDouble()).isEqualTo(0.25);
        assertThat(overview.get("spend").get("top").get(0).get("id").asString()).isEqualTo("dear");
        assertThat(overview.get("pace").get("finished_last_minute").asInt()).isEqualTo(2);
        assertThat(overview.get("pace").get("spend_last_hour").asDouble()).isEqualTo(0.25);
        assertThat(overview.get("workers")).isEmpty();
        assertThat(json(get("/claims"))).isEmpty();
    }

    // ---------- the page itself ----------

    @Test
    void thePageAndItsFilesComeWithAContentSecurityPolicyAndNoInlineCode() throws Exception {
        for (String path : List.of("/", "/index.html", "/dashboard/app.js", "/dashboard/app.css")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            String policy = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(policy).as(path).contains("default-src 'self'", "script-src 'self'", "style-src 'self'",
                    "frame-ancestors 'none'").doesNotContain("unsafe");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        }
        String html = get("/").body();
        assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContainPattern("\\sstyle=")
                .doesNotContainPattern("\\son[a-z]+=").doesNotContain("<style");
        String scripts = get("/dashboard/app.js").body() + get("/dashboard/dom.js").body() + get("/dashboard/api.js").body();
        assertThat(scripts).doesNotContainPattern("(inner|outer)HTML\\s*=").doesNotContainPattern(
                "insertAdjacentHTML\\(|document\\.write|\\beval\\(|new Function\\(|new EventSource");
        assertThat(get("/status").headers().firstValue("Content-Security-Policy")).isEmpty();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) {
        return JSON.readTree(r.body());
    }

    private static List<String> ids(HttpResponse<String> r) {
        return json(r).valueStream().map(v -> v.get("task").get("id").asString()).toList();
    }
}
