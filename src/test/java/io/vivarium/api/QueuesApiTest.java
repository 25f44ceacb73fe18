package io.vivarium.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.store.WorkerIdentity;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.Http;
import io.vivarium.support.ServerWorkspace;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.QueueLimits;
import io.vivarium.task.Rate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Queues and the pause over real HTTP on a real file workspace: {@code GET /queues}, {@code PUT /queues/{name}},
 * {@code POST /queues/{name}/pause|resume}, {@code POST /pause|/resume}, {@code GET /tasks?queue=}, the wait
 * reasons and counts they cause, {@code /status}, the gauges and the OpenAPI document. Bad input is a 400 (an
 * unknown queue in resume a 404) naming the field, and leaves every workspace file as it was.
 */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token="})
class QueuesApiTest {

    static final Path WORKSPACE = ServerWorkspace.create("queues-api");

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
    }

    @LocalServerPort
    int port;

    Http http;
    FileTaskStore elsewhere;

    @BeforeEach
    void emptyWorkspace() {
        http = Http.at(port);
        assertThat(http.post("/tasks/clear", "{\"confirm\": true}").status()).isEqualTo(200);
        elsewhere = new FileTaskStore(WORKSPACE, Clock.systemUTC());
        elsewhere.changeFlow(flow -> FlowSettings.NONE);
    }

    @Test
    void aFreshWorkspaceHasTheDefaultQueueAndNoPause() {
        JsonNode body = http.get("/queues").json();

        assertThat(body.get("paused").asBoolean()).isFalse();
        assertThat(body.get("queues")).hasSize(1);
        JsonNode queue = body.get("queues").get(0);
        assertThat(queue.get("name").asString()).isEqualTo("default");
        assertThat(queue.get("tasks").get("total_tasks").asInt()).isZero();
        assertThat(queue.get("limits").isEmpty()).isTrue();
        assertThat(queue.get("paused").asBoolean()).isFalse();
    }

    @Test
    void putSetsWhatItGivesKeepsTheRestAndIsKeptInTheStore() {
        addTasks("{\"id\": \"d1\", \"queue\": \"deploys\"}", "{\"id\": \"d2\", \"queue\": \"deploys\"}",
                "{\"id\": \"plain\"}");

        Http.Response put = http.put("/queues/deploys", "{\"concurrency\": 2, \"rate\": \"3/s\"}");

        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().get("name").asString()).isEqualTo("deploys");
        assertThat(put.json().get("limits").get("concurrency").asInt()).isEqualTo(2);
        assertThat(put.json().get("limits").get("rate").asString()).isEqualTo("3/s");
        assertThat(put.json().get("tasks").get("pending").asInt()).isEqualTo(2);
        assertThat(elsewhere.flow().settings().of("deploys")).isEqualTo(new QueueLimits(2, Rate.parse("3/s"), false));

        JsonNode kept = http.put("/queues/deploys", "{\"rate\": \"60/min\"}").json().get("limits");
        assertThat(kept.get("concurrency").asInt()).as("left out, so kept").isEqualTo(2);
        assertThat(kept.get("rate").asString()).isEqualTo("60/min");

        JsonNode removed = http.put("/queues/deploys", "{\"concurrency\": null, \"rate\": \"none\"}").json();
        assertThat(removed.get("limits").isEmpty()).isTrue();
        assertThat(elsewhere.flow().settings()).isEqualTo(FlowSettings.NONE);

        JsonNode paused = http.put("/queues/later", "{\"concurrency\": \"4\", \"paused\": true}").json();
        assertThat(paused.get("limits").get("concurrency").asInt()).isEqualTo(4);
        assertThat(paused.get("paused").asBoolean()).isTrue();
        assertThat(paused.get("tasks").get("total_tasks").asInt()).as("a queue may be set before it holds tasks")
                .isZero();
        assertThat(http.get("/queues").json().get("queues")).extracting(q -> q.get("name").asString())
                .containsExactly("default", "deploys", "later");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"rate\": \"0/min\"}|rate",
            "{\"rate\": \"3 per second\"}|rate",
            "{\"rate\": 3}|rate",
            "{\"rate\": \"3/0s\"}|rate",
            "{\"concurrency\": -1}|concurrency",
            "{\"concurrency\": 0}|concurrency",
            "{\"concurrency\": 2.5}|concurrency",
            "{\"concurrency\": \"two\"}|concurrency",
            "{\"concurrency\": true}|concurrency",
            "{\"concurrency\": 10001}|concurrency",
            "{\"concurrency\": 99999999999}|concurrency",
            "{\"concurrency\": 2, \"rate\": \"0/s\"}|rate",
            "{\"paused\": \"yes\"}|paused",
            "{\"concurency\": 2}|concurency",
            "{}|body",
            "[2]|body",
            "{\"concurrency\": |body",
    })
    void aBadLimitIsA400NamingTheFieldAndChangesNothing(String body, String field) throws Exception {
        http.put("/queues/deploys", "{\"concurrency\": 3}");
        String before = workspaceFiles();

        Http.Response r = http.put("/queues/deploys", body);

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.contentType()).contains("application/problem+json");
        assertThat(r.json().get("field").asString()).isEqualTo(field);
        assertThat(workspaceFiles()).isEqualTo(before);
        assertThat(elsewhere.flow().settings().of("deploys").concurrency()).isEqualTo(3);
    }

    @ParameterizedTest
    @CsvSource({"PUT,/queues/bad%20name", "PUT,/queues/-starts-with-a-dash", "POST,/queues/a%3Bb/pause",
            "POST,/queues/%2E%2E/resume", "GET,/tasks?queue=no%20spaces",
            "PUT,/queues/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void aBadQueueNameIsA400NamingQueueAndChangesNothing(String method, String path) throws Exception {
        String before = workspaceFiles();

        Http.Response r = switch (method) {
            case "PUT" -> http.put(path, "{\"concurrency\": 1}");
            case "POST" -> http.post(path, null);
            default -> http.get(path);
        };

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("field").asString()).isEqualTo("queue");
        assertThat(r.json().get("detail").asString()).contains("queue name");
        assertThat(workspaceFiles()).isEqualTo(before);
    }

    @Test
    void resumingAQueueThatDoesNotExistIsA404NamingItAndChangesNothing() throws Exception {
        addTasks("{\"id\": \"d1\", \"queue\": \"deploys\"}");
        String before = workspaceFiles();

        Http.Response r = http.post("/queues/deplyos/resume", null);

        assertThat(r.status()).as(r.body()).isEqualTo(404);
        assertThat(r.contentType()).contains("application/problem+json");
        assertThat(r.json().get("field").asString()).isEqualTo("queue");
        assertThat(r.json().get("queue").asString()).isEqualTo("deplyos");
        assertThat(r.json().get("detail").asString()).contains("'deplyos'");
        assertThat(workspaceFiles()).isEqualTo(before);
        assertThat(http.get("/queues/deplyos").status()).isEqualTo(404);
        assertThat(http.post("/queues/deploys/resume", null).status()).as("a queue that holds tasks").isEqualTo(200);
    }

    @Test
    void aPausedQueueHoldsItsTasksAndSaysSoUntilResumed() {
        addTasks("{\"id\": \"d1\", \"queue\": \"deploys\"}", "{\"id\": \"plain\"}");

        Http.Response paused = http.post("/queues/deploys/pause", null);

        assertThat(paused.status()).as(paused.body()).isEqualTo(200);
        assertThat(paused.json().get("paused").asBoolean()).isTrue();
        assertThat(paused.json().get("limits").get("paused").asBoolean()).isTrue();
        JsonNode waiting = http.get("/tasks/d1").json().get("waiting");
        assertThat(waiting.get("kind").asString()).isEqualTo("paused");
        assertThat(waiting.get("detail").asString()).contains("queue 'deploys' is paused");
        assertThat(http.get("/tasks/plain").json().has("waiting")).as("another queue runs").isFalse();
        JsonNode overview = http.get("/overview").json();
        assertThat(overview.get("waiting").get("paused").asInt()).isEqualTo(1);
        assertThat(overview.get("next").get("id").asString()).isEqualTo("plain");
        assertThat(overview.get("paused").asBoolean()).as("the workspace is not").isFalse();
        JsonNode status = http.get("/status").json();
        assertThat(status.get("paused").asBoolean()).isFalse();
        assertThat(status.get("paused_queues")).extracting(JsonNode::asString).containsExactly("deploys");
        assertThat(elsewhere.commit(WorkerIdentity.create(), List.of(), 5).claimed())
                .as("a worker elsewhere obeys it").extracting(lease -> lease.task().id()).containsExactly("plain");

        Http.Response resumed = http.post("/queues/deploys/resume", "{}");

        assertThat(resumed.json().get("paused").asBoolean()).isFalse();
        assertThat(http.get("/tasks/d1").json().has("waiting")).isFalse();
        assertThat(http.get("/status").json().get("paused_queues")).isEmpty();
    }

    @Test
    void pausingTheWorkspaceHoldsEveryQueueAndResumeLetsThemGo() {
        addTasks("{\"id\": \"d1\", \"queue\": \"deploys\"}", "{\"id\": \"plain\"}");

        Http.Response paused = http.post("/pause", null);

        assertThat(paused.status()).as(paused.body()).isEqualTo(200);
        assertThat(paused.json().get("paused").asBoolean()).isTrue();
        assertThat(paused.json().get("queues")).allMatch(q -> q.get("paused").asBoolean());
        assertThat(http.get("/status").json().get("paused").asBoolean()).isTrue();
        JsonNode overview = http.get("/overview").json();
        assertThat(overview.get("paused").asBoolean()).isTrue();
        assertThat(overview.has("next")).as("nothing can start").isFalse();
        assertThat(overview.get("waiting").get("paused").asInt()).isEqualTo(2);
        assertThat(http.get("/tasks/plain").json().get("waiting").get("detail").asString())
                .isEqualTo("the workspace is paused (vivarium resume)");
        assertThat(elsewhere.commit(WorkerIdentity.create(), List.of(), 5).claimed()).isEmpty();

        JsonNode resumed = http.post("/resume", null).json();

        assertThat(resumed.get("paused").asBoolean()).isFalse();
        assertThat(http.get("/status").json().get("paused").asBoolean()).isFalse();
        assertThat(http.get("/overview").json().get("next").get("id").asString()).isEqualTo("d1");
    }

    @Test
    void aTaskHeldByItsQueuesConcurrencySaysSo() {
        addTasks("{\"id\": \"t1\", \"queue\": \"tests\"}", "{\"id\": \"t2\", \"queue\": \"tests\"}");
        http.put("/queues/tests", "{\"concurrency\": 1}");
        assertThat(elsewhere.commit(WorkerIdentity.create(), List.of(), 5).claimed()).hasSize(1);

        JsonNode waiting = http.get("/tasks/t2").json().get("waiting");

        assertThat(waiting.get("kind").asString()).isEqualTo("queue_limit");
        assertThat(waiting.get("detail").asString()).isEqualTo("queue 'tests' runs 1 of its 1 at once");
        assertThat(http.get("/overview").json().get("waiting").get("queue_limit").asInt()).isEqualTo(1);
        JsonNode tests = http.get("/queues/tests").json();
        assertThat(tests.get("tasks").get("in_progress").asInt()).isEqualTo(1);
        assertThat(tests.get("tasks").get("pending").asInt()).isEqualTo(1);
    }

    @Test
    void tasksCanBeListedByQueueAndPagesKeepTheFilter() throws Exception {
        addTasks("{\"id\": \"d1\", \"queue\": \"deploys\"}", "{\"id\": \"plain\"}",
                "{\"id\": \"d2\", \"queue\": \"deploys\", \"description\": \"second deploy\"}",
                "{\"id\": \"asks\", \"prompt\": \"say hi\"}", "{\"id\": \"d3\", \"queue\": \"deploys\"}");

        assertThat(ids(http.get("/tasks?queue=deploys").json())).containsExactly("d1", "d2", "d3");
        assertThat(ids(http.get("/tasks?queue=default").json())).containsExactly("plain");
        assertThat(ids(http.get("/tasks?queue=llm").json())).as("a prompt grind's own queue").containsExactly("asks");
        assertThat(ids(http.get("/tasks?queue=deploys&q=SECOND").json())).containsExactly("d2");
        assertThat(ids(http.get("/tasks?queue=nowhere").json())).isEmpty();

        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/tasks?queue=deploys&status=pending&offset=1&limit=1"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("X-Total-Count")).hasValue("3");
        assertThat(page.body()).contains("\"d2\"").doesNotContain("\"d1\"");
        assertThat(page.headers().firstValue("Link").orElseThrow())
                .contains("</tasks?status=pending&queue=deploys&offset=2&limit=1>; rel=\"next\"");
    }

    @Test
    void eachQueueHasGaugesAndTheWorkspaceItsPause() {
        addTasks("{\"id\": \"d1\", \"queue\": \"deploys\"}", "{\"id\": \"d2\", \"queue\": \"deploys\"}");
        http.put("/queues/deploys", "{\"concurrency\": 1, \"rate\": \"120/min\"}");
        elsewhere.commit(WorkerIdentity.create(), List.of(), 5);
        http.post("/pause", null);

        // A queue that appeared since the last look shows from the next scrape on (at most a second later).
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(http.get("/actuator/prometheus").body())
                        .contains("vivarium_queue_tasks{queue=\"deploys\",status=\"pending\"} 1.0")
                        .contains("vivarium_queue_tasks{queue=\"deploys\",status=\"in_progress\"} 1.0")
                        .contains("vivarium_queue_running_tasks{queue=\"deploys\"} 1.0")
                        .contains("vivarium_queue_paused{queue=\"deploys\"} 1.0")
                        .contains("vivarium_queue_concurrency_limit{queue=\"deploys\"} 1.0")
                        .contains("vivarium_queue_rate_limit{queue=\"deploys\"} 2.0")
                        .contains("vivarium_queue_concurrency_limit{queue=\"default\"} NaN")
                        .contains("vivarium_paused 1.0"));

        http.post("/resume", null);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(http.get("/actuator/prometheus").body()).contains("vivarium_paused 0.0")
                        .contains("vivarium_queue_paused{queue=\"deploys\"} 0.0"));
    }

    @Test
    void theOpenApiDocumentDescribesTheQueueEndpoints() {
        JsonNode paths = http.get("/v3/api-docs").json().get("paths");

        assertThat(paths.propertyNames()).contains("/queues", "/queues/{name}", "/queues/{name}/pause",
                "/queues/{name}/resume", "/pause", "/resume");
        assertThat(paths.get("/queues/{name}").get("put").get("requestBody").toString()).contains("LimitsBody");
        assertThat(paths.get("/tasks").get("get").get("parameters").toString()).contains("\"queue\"");
    }

    private void addTasks(String... tasks) {
        Http.Response added = http.post("/tasks", "[" + String.join(",", tasks) + "]");
        assertThat(added.status()).as(added.body()).isEqualTo(201);
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.forEach(view -> ids.add(view.get("task").get("id").asString()));
        return ids;
    }

    /** Every regular file of the workspace with its content: what a refused request must leave as it was. */
    private static String workspaceFiles() throws Exception {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(WORKSPACE)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                all.append(WORKSPACE.relativize(file)).append('\n').append(Files.readString(file)).append('\n');
            }
        }
        return all.toString();
    }
}
