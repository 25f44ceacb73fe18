package io.vivarium.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import io.vivarium.support.Http;
import io.vivarium.support.LlmStandIn;
import io.vivarium.support.ServerWorkspace;
import io.vivarium.support.WorkspaceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /plan} and the guide's Workflow 2 against a real HTTP stand-in for the LLM: planning requests (JSON
 * mode) get {@link #planAnswer}; prompt grinds get a completion whose token usage depends on the task.
 */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token=", "vivarium.llm.api-key=test-key",
                "vivarium.llm.max-retries=0", "vivarium.llm.timeout-seconds=1"})
class PlanApiTest {

    static final Path WORKSPACE = ServerWorkspace.create("plan");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final MockWebServer LLM = new MockWebServer();
    static final AtomicReference<MockResponse> planAnswer = new AtomicReference<>();
    static final List<JsonNode> grindRequests = new CopyOnWriteArrayList<>();

    static {
        try {
            LLM.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    JsonNode body = JSON.readTree(request.getBody().utf8());
                    if (body.has("response_format")) {
                        return planAnswer.get();
                    }
                    grindRequests.add(body);
                    String prompt = body.get("messages").get(1).get("content").asString();
                    // Usage chosen so the three tasks land inside, below and above their budgets.
                    if (prompt.contains("parser.py")) {
                        return LlmStandIn.completion("Add tests: ...diff...", 20_000, 100_000);
                    }
                    if (prompt.contains("main.py")) {
                        return LlmStandIn.completion("Split main.py: ...", 500, 1_000);
                    }
                    return LlmStandIn.completion("Docs: ...", 300_000, 300_000);
                }
            });
            LLM.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
        registry.add("vivarium.llm.base-url", () -> LLM.url("/v1").toString());
    }

    @AfterAll
    static void stopLlm() throws IOException {
        LLM.close();
    }

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void project() throws IOException {
        http = Http.at(port);
        CliRun.in(WORKSPACE, "clear");
        grindRequests.clear();
        Files.createDirectories(WORKSPACE.resolve("app"));
        Files.writeString(WORKSPACE.resolve("main.py"), "def main():\n    pass\n");
        Files.writeString(WORKSPACE.resolve("app/parser.py"), "def parse(text):\n    return text\n");
        Files.writeString(WORKSPACE.resolve("app/utils.py"), "def helper():\n    pass\n");
        planAnswer.set(LlmStandIn.completion(LlmStandIn.GOOD_PLAN));
    }

    @Test
    void workflowTwoPlanThenStartThenStatus() {
        Http.Response planned = http.post("/plan", null);

        assertThat(planned.status()).as(planned.body()).isEqualTo(201);
        JsonNode body = planned.json();
        assertThat(body.get("tasks")).hasSize(3);
        assertThat(body.get("files_scanned").asInt()).isEqualTo(3);
        assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(1200);
        assertThat(WorkspaceFiles.queue(WORKSPACE).get("tasks")).hasSize(3);

        CliRun start = CliRun.in(WORKSPACE,
                Map.of("TOGETHER_API_KEY", "test-key", "VIVARIUM_LLM_BASE_URL", LLM.url("/v1").toString()),
                "start", "2");
        assertThat(start.exitCode()).as(start.out() + start.err()).isZero();

        JsonNode status = http.get("/status").json();
        assertThat(status.get("completed").asInt()).isEqualTo(3);
        JsonNode log = WorkspaceFiles.log(WORKSPACE).get("tasks");
        // high, $0.08-0.15: 120,000 tokens at $0.88/M = $0.1056, charged as used
        assertThat(log.get("add_tests_for_parser").get("budget_used").asDouble()).isEqualTo(0.1056);
        assertThat(log.get("add_tests_for_parser").get("result").asString()).isEqualTo("Add tests: ...diff...");
        assertThat(log.get("add_tests_for_parser").get("output").asString()).contains("20000 prompt + 100000 completion");
        assertThat(log.get("add_tests_for_parser").get("tokens_in").asLong()).isEqualTo(20_000);
        assertThat(log.get("add_tests_for_parser").get("tokens_out").asLong()).isEqualTo(100_000);
        JsonNode costs = http.get("/costs").json();
        assertThat(costs.get("by_kind").get("prompt").get("tasks").asInt()).isEqualTo(3);
        assertThat(costs.get("by_kind").get("prompt").get("spent").asDouble()).isEqualTo(0.2056);
        assertThat(costs.get("tokens").get("output").asLong()).isGreaterThanOrEqualTo(100_000);
        assertThat(costs.get("tokens").get("output_cost").asDouble())
                .isEqualTo(Math.round(costs.get("tokens").get("output").asLong() * 0.88) / 1e6);
        // medium, $0.05-0.10: $0.00132 of usage is charged the minimum
        assertThat(log.get("refactor_main").get("budget_used").asDouble()).isEqualTo(0.05);
        // low, $0.02-0.05: an endpoint that overshoots ($0.528) is still charged no more than the cap
        assertThat(log.get("docs").get("budget_used").asDouble()).isEqualTo(0.05);
        assertThat(grindRequests).hasSize(3).allSatisfy(r -> {
            assertThat(r.get("max_tokens").asInt()).isBetween(16, 4096);
            assertThat(r.get("model").asString()).isEqualTo("meta-llama/Llama-3.3-70B-Instruct-Turbo");
        });
    }

    @Test
    void aDryRunShowsButQueuesNothing() {
        byte[] before = WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"));

        Http.Response r = http.post("/plan", "{\"dry_run\": true, \"goal\": \"tests\", \"max_tasks\": 2}");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("tasks")).hasSize(2);
        assertThat(r.json().get("notes").get(0).asString()).contains("kept the first 2 of 3");
        assertThat(WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"))).isEqualTo(before);
    }

    @Test
    void uselessAnswersAre502AndTheQueueIsUntouched() {
        byte[] before = WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"));
        for (MockResponse answer : List.of(LlmStandIn.completion("I'd rather not."), LlmStandIn.completion("{\"tasks\": []}"),
                LlmStandIn.error(500, "overloaded"))) {
            planAnswer.set(answer);

            Http.Response r = http.post("/plan", null);

            assertThat(r.status()).as(r.body()).isEqualTo(502);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.json().get("detail").asString()).isNotBlank();
            assertThat(r.body()).doesNotContain("test-key");
        }
        assertThat(WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"))).isEqualTo(before);
    }

    @Test
    void aSilentEndpointIs504() {
        planAnswer.set(new MockResponse.Builder().headersDelay(3, TimeUnit.SECONDS).body("{}").build());

        Http.Response r = http.post("/plan", null);

        assertThat(r.status()).isEqualTo(504);
        assertThat(r.json().get("detail").asString()).contains("did not answer within 1.0 s");
    }

    @Test
    void badPlanBodiesNameTheField() {
        assertThat(http.post("/plan", "{\"max_tasks\": 0}").json().get("field").asString()).isEqualTo("max_tasks");
        assertThat(http.post("/plan", "{\"max_tasks\": 11}").json().get("field").asString()).isEqualTo("max_tasks");
        assertThat(http.post("/plan", "{\"dry_run\": \"maybe\"}").json().get("field").asString()).isEqualTo("dry_run");
        assertThat(http.post("/plan", "{\"goals\": \"x\"}").json().get("field").asString()).isEqualTo("goals");
    }

    @Test
    void aCutOffAnswerQueuesItsCompleteTasksOrIs502NamingTheCause() {
        planAnswer.set(LlmStandIn.cutOff("[{\"id\": \"task_001\", \"description\": \"Add tests for parser.py\"}, "
                + "{\"id\": \"task_002\", \"description\": \"Add te"));

        Http.Response kept = http.post("/plan", null);

        assertThat(kept.status()).as(kept.body()).isEqualTo(201);
        assertThat(kept.json().get("tasks")).hasSize(1);
        assertThat(kept.json().get("notes").get(0).asString()).contains("cut off at max_tokens=2048");
        assertThat(WorkspaceFiles.queue(WORKSPACE).get("tasks")).hasSize(1);

        byte[] before = WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"));
        planAnswer.set(LlmStandIn.cutOff("[{\"id\": \"task_001\", \"description\": \"Add te"));

        Http.Response refused = http.post("/plan", null);

        assertThat(refused.status()).as(refused.body()).isEqualTo(502);
        assertThat(refused.json().get("detail").asString()).contains("cut off before its first task was complete")
                .contains("max_tokens=2048");
        assertThat(refused.body()).doesNotContain("Exception");
        assertThat(WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"))).isEqualTo(before);
    }

    @Test
    void aBodyThatIsNotJsonAsksTheModelNothing() {
        int asked = LLM.getRequestCount();

        for (String contentType : new String[] {"text/plain", "application/x-www-form-urlencoded"}) {
            Http.Response r = http.postRaw("/plan", contentType, "{}");
            assertThat(r.status()).as(r.body()).isEqualTo(415);
        }
        assertThat(LLM.getRequestCount()).isEqualTo(asked);
    }
}
