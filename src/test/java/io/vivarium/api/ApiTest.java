package io.vivarium.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import io.vivarium.support.Http;
import io.vivarium.support.ServerWorkspace;
import io.vivarium.support.WorkspaceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The API through real HTTP on a random port; no embedded workers, so the queue only moves when a test moves it. */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token="})
class ApiTest {

    static final Path WORKSPACE = ServerWorkspace.create("api");

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
    }

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void emptyWorkspace() {
        http = Http.at(port);
        assertThat(CliRun.in(WORKSPACE, "clear").exitCode()).isZero();
    }

    @Test
    void theGuidesGrindExampleAnswersAsTheGuideShows() {
        Http.Response r = http.post("/grind", "{\"min_budget\": 0.05, \"max_budget\": 0.10, \"intensity\": \"medium\"}");

        assertThat(r.status()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("status").asString()).isEqualTo("completed");
        assertThat(body.get("result").asString()).isEqualTo("Grind completed with intensity=medium");
        assertThat(body.get("budget_used").asDouble()).isBetween(0.05, 0.10);
        assertThat(body.propertyNames()).containsExactlyInAnyOrder("status", "result", "budget_used");
    }

    @Test
    void anEmptyBodyIsTheDefaultGrind() {
        assertThat(http.post("/grind", null).json().get("result").asString())
                .isEqualTo("Grind completed with intensity=medium");
    }

    @Test
    void aCommandGrindRunsInTheWorkspace() {
        Http.Response r = http.post("/grind", "{\"command\": \"echo hello; pwd\", \"min_budget\": 0.01, \"max_budget\": 1}");

        JsonNode body = r.json();
        assertThat(body.get("status").asString()).isEqualTo("completed");
        assertThat(body.get("exit_code").asInt()).isZero();
        assertThat(body.get("output").asString()).contains("hello").contains(WORKSPACE.toString());
    }

    @Test
    void aFailingCommandAnswersFailedWithTheError() {
        JsonNode body = http.post("/grind", "{\"command\": \"echo broken >&2; exit 3\"}").json();

        assertThat(body.get("status").asString()).isEqualTo("failed");
        assertThat(body.get("error").asString()).isEqualTo("exit code 3: broken");
        assertThat(body.get("exit_code").asInt()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            negative budget        | {"min_budget": -0.05}                        | min_budget
            zero max budget        | {"max_budget": 0}                            | max_budget
            max below min          | {"min_budget": 0.08, "max_budget": 0.05}     | max_budget
            unknown intensity      | {"intensity": "extreme"}                     | intensity
            wrong type             | {"min_budget": "lots"}                       | min_budget
            wrong type in array    | {"intensity": ["high"]}                      | intensity
            unknown field          | {"max_budjet": 0.2}                          | max_budjet
            malformed JSON         | {"min_budget": 0.05,                         | body
            not an object          | [1, 2, 3]                                    | body
            hostile task id        | {"task_id": "../../etc/passwd"}              | task_id
            negative timeout       | {"timeout": -1}                              | timeout
            huge budget            | {"max_budget": 1e308}                        | max_budget
            """)
    void badGrindBodiesAreProblemsNamingTheField(String name, String body, String field) {
        Http.Response r = http.post("/grind", body);

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode problem = r.json();
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("field").asString()).isEqualTo(field);
        assertThat(problem.get("detail").asString()).isNotBlank();
        assertThat(r.body()).doesNotContain("Exception", "at io.vivarium");
    }

    @Test
    void aBodyThatIsNotJsonIsUnsupported() {
        Http.Response r = http.postRaw("/grind", "text/plain", "grind please");

        assertThat(r.status()).isEqualTo(415);
        assertThat(r.contentType()).startsWith("application/problem+json");
    }

    @Test
    void unknownTasksAre404() {
        for (Http.Response r : List.of(http.get("/tasks/nope"), http.post("/tasks/nope/retry", null),
                http.post("/tasks/nope/cancel", null))) {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json().get("task_id").asString()).isEqualTo("nope");
        }
        assertThat(http.get("/no/such/path").status()).isEqualTo(404);
    }

    @Test
    void tasksCanBeAddedListedShownCancelledAndRetried() {
        Http.Response created = http.post("/tasks", "{\"id\": \"api_1\", \"command\": \"true\", \"priority\": \"high\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.location()).isEqualTo("/tasks/api_1");
        assertThat(http.post("/tasks", "[{\"id\": \"api_2\"}, {\"id\": \"api_3\", \"depends_on\": [\"api_2\"]}]").status())
                .isEqualTo(201);

        JsonNode list = http.get("/tasks").json();
        assertThat(list).hasSize(3);
        assertThat(list.get(0).get("task").get("priority").asString()).isEqualTo("high");
        assertThat(list.get(0).get("status").asString()).isEqualTo("pending");
        assertThat(http.get("/tasks?status=pending").json()).hasSize(3);
        assertThat(http.get("/tasks?status=bogus").json().get("detail").asString()).contains("must be one of");

        JsonNode cancelled = http.post("/tasks/api_2/cancel", null).json();
        assertThat(cancelled.get("status").asString()).isEqualTo("cancelled");
        assertThat(http.get("/tasks/api_3").json().get("status").asString()).isEqualTo("blocked");
        Http.Response again = http.post("/tasks/api_2/cancel", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("task_status").asString()).isEqualTo("cancelled");

        JsonNode retried = http.post("/tasks/api_2/retry", null).json();
        assertThat(retried.get("retried")).hasSize(2);
        assertThat(http.get("/tasks/api_3").json().get("status").asString()).isEqualTo("pending");
    }

    @Test
    void badTasksAreRefusedAndChangeNothing() {
        http.post("/tasks", "{\"id\": \"keep\"}");
        byte[] queue = WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"));

        assertThat(http.post("/tasks", "{\"id\": \"keep\"}").status()).isEqualTo(409);
        assertThat(http.post("/tasks", "{\"id\": \"x\", \"min_budget\": 0}").json().get("field").asString())
                .isEqualTo("min_budget");
        assertThat(http.post("/tasks", "{\"id\": \"../x\"}").json().get("field").asString()).isEqualTo("id");
        assertThat(http.post("/tasks", "{\"command\": \"true\"}").json().get("field").asString()).isEqualTo("id");
        assertThat(http.post("/tasks", "[{\"id\": \"ok\"}, {\"id\": \"bad\", \"intensity\": \"max\"}]").status())
                .isEqualTo(400);
        assertThat(http.post("/tasks", "{\"id\": \"y\", \"depends_on\": [\"ghost\"]}").json().get("field").asString())
                .isEqualTo("depends_on");

        assertThat(WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"))).isEqualTo(queue);
    }

    @Test
    void statusMatchesTheCliStatusJson() {
        CliRun.in(WORKSPACE, "add", "a", "grind");
        CliRun.in(WORKSPACE, "add", "b", "grind", "--depends-on", "a");
        CliRun.in(WORKSPACE, "cancel", "a");

        JsonNode api = http.get("/status").json();
        JsonNode cli = tools.jackson.databind.json.JsonMapper.builder().build()
                .readTree(CliRun.in(WORKSPACE, "status", "--json").out());

        assertThat(api).isEqualTo(cli);
        assertThat(api.get("total_tasks").asInt()).isEqualTo(2);
        assertThat(api.get("cancelled").asInt()).isEqualTo(1);
        assertThat(api.get("blocked").asInt()).isEqualTo(1);
    }

    @Test
    void longGrindsNeverMakeStatusWait() throws Exception {
        http.get("/status"); // the first call pays for class loading; what is measured is waiting behind grinds
        List<CompletableFuture<Http.Response>> grinds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            grinds.add(CompletableFuture.supplyAsync(() -> http.post("/grind",
                    "{\"command\": \"sleep 2\", \"min_budget\": 0.01, \"max_budget\": 1}")));
        }
        Thread.sleep(300);
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            assertThat(http.get("/status").status()).isEqualTo(200);
            millis.add((System.nanoTime() - start) / 1_000_000);
        }
        assertThat(grinds).noneMatch(CompletableFuture::isDone);
        assertThat(millis).allSatisfy(ms -> assertThat(ms).isLessThan(200));
        for (CompletableFuture<Http.Response> grind : grinds) {
            assertThat(grind.get().json().get("status").asString()).isEqualTo("completed");
        }
    }

    @Test
    void aCorruptQueueIsA500ProblemAndStaysAsItWas() throws Exception {
        Path queue = WORKSPACE.resolve("queue.json");
        Files.writeString(queue, "{\"tasks\": [");

        Http.Response r = http.get("/status");

        assertThat(r.status()).isEqualTo(500);
        assertThat(r.json().get("path").asString()).isEqualTo(queue.toString());
        assertThat(r.json().get("detail").asString()).contains("left unchanged");
        assertThat(http.post("/tasks", "{\"id\": \"a\"}").status()).isEqualTo(500);
        assertThat(Files.readString(queue)).isEqualTo("{\"tasks\": [");
        Files.delete(queue);
    }

    @Test
    void operationsEndpointsAreThere() {
        http.post("/grind", null);

        assertThat(http.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
        String metrics = http.get("/actuator/prometheus").body();
        assertThat(metrics).contains("vivarium_tasks{", "state=\"pending\"", "vivarium_grinds_started_total",
                "vivarium_grinds_completed_total", "vivarium_grind_duration_seconds", "vivarium_budget_spent_dollars_total");
        JsonNode openApi = http.get("/v3/api-docs").json();
        assertThat(openApi.get("info").get("title").asString()).isEqualTo("Vivarium API");
        assertThat(openApi.get("paths").propertyNames()).contains("/grind", "/status", "/tasks", "/tasks/{id}");
    }
}
