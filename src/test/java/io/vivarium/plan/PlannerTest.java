package io.vivarium.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vivarium.llm.openai.OpenAiChatModel;
import io.vivarium.llm.LlmException;
import io.vivarium.llm.LlmSettings;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.LlmStandIn;
import io.vivarium.support.WorkspaceFiles;
import io.vivarium.task.Intensity;
import io.vivarium.task.Priority;
import io.vivarium.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The planner against a real HTTP stand-in for the LLM: whatever it answers, the queue is never damaged. */
class PlannerTest {

    private static final String KEY = "sk-test-key-123";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path workspace;

    private MockWebServer llm;
    private FileTaskStore store;

    @BeforeEach
    void setUp() throws Exception {
        llm = new MockWebServer();
        llm.start();
        store = new FileTaskStore(workspace, Clock.systemUTC());
        Files.createDirectories(workspace.resolve("app"));
        Files.writeString(workspace.resolve("main.py"), "import app\n\ndef main():\n    pass\n\nclass Cli:\n    pass\n");
        Files.writeString(workspace.resolve("app/parser.py"), "def parse(text):\n    return text\n");
        Files.writeString(workspace.resolve("app/utils.py"), "async def fetch():\n    pass\n");
        Files.writeString(workspace.resolve("app/test_utils.py"), "def test_fetch():\n    pass\n");
        store.add(List.of(Task.grind("existing").build(), Task.grind("docs").build()));
    }

    @AfterEach
    void tearDown() throws Exception {
        llm.close();
    }

    private Planner planner(String key, int retries, Duration timeout) {
        LlmSettings settings = new LlmSettings(llm.url("/v1").toString(), LlmSettings.DEFAULT_MODEL, key, timeout,
                0.88, 0.88, retries, Duration.ofMillis(10), true, 4096);
        return new Planner(new OpenAiChatModel(settings), settings, store, workspace, ScanSettings.defaults());
    }

    private Planner planner() {
        return planner(KEY, 2, Duration.ofSeconds(5));
    }

    private byte[] queueBytes() {
        return WorkspaceFiles.bytes(workspace.resolve("queue.json"));
    }

    @Test
    void aGoodAnswerQueuesTheTasksAndTheRequestCarriesModelKeyAndScan() throws Exception {
        llm.enqueue(LlmStandIn.completion(LlmStandIn.GOOD_PLAN));

        PlanResult result = planner().plan(new PlanRequest("more tests", null, false));

        assertThat(result.tasks()).extracting(Task::id).containsExactly("add_tests_for_parser", "refactor_main", "docs_2");
        assertThat(result.notes()).contains("renamed 'docs' to 'docs_2'");
        assertThat(result.filesScanned()).isEqualTo(4);
        assertThat(store.snapshot().tasks()).extracting(Task::id)
                .containsExactly("existing", "docs", "add_tests_for_parser", "refactor_main", "docs_2");
        Task high = store.snapshot().task("add_tests_for_parser").orElseThrow();
        assertThat(high.priority()).isEqualTo(Priority.HIGH);
        assertThat(high.intensity()).isEqualTo(Intensity.HIGH);
        assertThat(high.minBudget()).isEqualTo(0.08);
        assertThat(high.maxBudget()).isEqualTo(0.15);
        assertThat(high.prompt()).contains("Add unit tests for parser.py").contains("app/parser.py").contains("more tests");
        Task low = store.snapshot().task("docs_2").orElseThrow();
        assertThat(low.intensity()).isEqualTo(Intensity.LOW);
        assertThat(low.maxBudget()).isEqualTo(0.05);
        assertThat(store.snapshot().task("refactor_main").orElseThrow().dependsOn()).containsExactly("add_tests_for_parser");

        RecordedRequest request = llm.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
        JsonNode body = JSON.readTree(request.getBody().utf8());
        assertThat(body.get("model").asString()).isEqualTo("meta-llama/Llama-3.3-70B-Instruct-Turbo");
        assertThat(body.get("response_format").get("type").asString()).isEqualTo("json_object");
        JsonNode scan = JSON.readTree(body.get("messages").get(1).get("content").asString());
        assertThat(scan.get("goal").asString()).isEqualTo("more tests");
        assertThat(scan.get("files").findValuesAsString("path"))
                .containsExactly("app/parser.py", "app/test_utils.py", "app/utils.py", "main.py");
        JsonNode main = scan.get("files").get(3);
        assertThat(main.get("lines").asInt()).isEqualTo(7);
        assertThat(main.get("functions").get(0).asString()).isEqualTo("main");
        assertThat(main.get("classes").get(0).asString()).isEqualTo("Cli");
        assertThat(scan.get("files").get(2).get("has_tests").asBoolean()).isTrue();
        assertThat(main.get("has_tests").asBoolean()).isFalse();
        assertThat(result.promptTokens()).isEqualTo(1200);
        assertThat(result.costDollars()).isEqualTo((1200 + 300) * 0.88 / 1e6, org.assertj.core.data.Offset.offset(1e-6));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Here is my plan:\n```json\n[{\"id\": \"a\", \"description\": \"Do A\"}, {\"id\": \"b\", \"description\": \"Do B\"}]\n```\nGood luck!",
            "Sure! [{\"id\": \"a\", \"description\": \"Do A\"}, {\"id\": \"b\", \"description\": \"Do B\"}] Let me know.",
            "{\"plan\": {\"items\": [{\"id\": \"a\", \"description\": \"Do A\"}, {\"id\": \"b\", \"description\": \"Do B\"}]}}",
            "```\n{\"tasks\": [{\"name\": \"a\", \"task\": \"Do A\"}, {\"title\": \"Do B\", \"id\": \"b\"}]}\n```"})
    void answersInProseFencesAndObjectsAreRead(String answer) {
        llm.enqueue(LlmStandIn.completion(answer));

        PlanResult result = planner().plan(new PlanRequest(null, null, false));

        assertThat(result.tasks()).extracting(Task::id).containsExactly("a", "b");
        assertThat(result.tasks()).extracting(Task::description).containsExactly("Do A", "Do B");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"tasks\": []}", "[]", "I cannot help with that.", "{\"tasks\": [1, 2, {\"id\": \"x\"}]}",
            "{\"tasks\": [{\"id\": \"a\", \"description\": \"x\"", ""})
    void uselessAnswersAreABadAnswerAndTheQueueIsUntouched(String answer) {
        byte[] before = queueBytes();
        llm.enqueue(LlmStandIn.completion(answer));

        assertThatThrownBy(() -> planner().plan(new PlanRequest(null, null, false)))
                .isInstanceOf(LlmException.class)
                .extracting(e -> ((LlmException) e).kind()).isEqualTo(LlmException.Kind.BAD_ANSWER);
        assertThat(queueBytes()).isEqualTo(before);
    }

    @Test
    void unsafeAndDuplicateIdsAreMadeSafeAndUnique() {
        llm.enqueue(LlmStandIn.completion("""
                [{"id": "../../etc/passwd", "description": "one"}, {"id": "Fix Bug #12!", "description": "two"},
                 {"id": "same", "description": "three"}, {"id": "same", "description": "four"},
                 {"id": "existing", "description": "five", "depends_on": ["same", "ghost"]},
                 {"description": "six"}]"""));

        PlanResult result = planner().plan(new PlanRequest(null, 10, false));

        assertThat(result.tasks()).extracting(Task::id)
                .containsExactly("etc_passwd", "fix_bug_12", "same", "same_2", "existing_2", "six");
        assertThat(result.tasks().get(4).dependsOn()).containsExactly("same");
        assertThat(result.notes()).anyMatch(n -> n.contains("dropped unknown dependency 'ghost'"));
        assertThat(workspace.getParent().resolve("etc")).doesNotExist();
    }

    @Test
    void aCyclicPlanIsRefusedAndNothingIsQueued() {
        byte[] before = queueBytes();
        llm.enqueue(LlmStandIn.completion("""
                {"tasks": [{"id": "a", "description": "A", "depends_on": ["b"]},
                           {"id": "b", "description": "B", "depends_on": ["a"]}]}"""));

        assertThatThrownBy(() -> planner().plan(new PlanRequest(null, null, false)))
                .hasMessageContaining("dependency cycle");
        assertThat(queueBytes()).isEqualTo(before);
    }

    @Test
    void moreTasksThanAskedAreCut() {
        llm.enqueue(LlmStandIn.completion("[{\"id\":\"a\",\"description\":\"A\"},{\"id\":\"b\",\"description\":\"B\"},"
                + "{\"id\":\"c\",\"description\":\"C\"},{\"id\":\"d\",\"description\":\"D\",\"depends_on\":[\"c\"]}]"));

        PlanResult result = planner().plan(new PlanRequest(null, 3, false));

        assertThat(result.tasks()).extracting(Task::id).containsExactly("a", "b", "c");
    }

    @Test
    void aDryRunQueuesNothing() {
        byte[] before = queueBytes();
        llm.enqueue(LlmStandIn.completion(LlmStandIn.GOOD_PLAN));

        PlanResult result = planner().plan(new PlanRequest(null, null, true));

        assertThat(result.tasks()).hasSize(3);
        assertThat(queueBytes()).isEqualTo(before);
    }

    @Test
    void a429IsRetriedAfterItsRetryAfter() throws Exception {
        llm.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "1").body("slow down").build());
        llm.enqueue(LlmStandIn.completion(LlmStandIn.GOOD_PLAN));
        long start = System.nanoTime();

        PlanResult result = planner().plan(new PlanRequest(null, null, false));

        assertThat(result.tasks()).hasSize(3);
        assertThat(llm.getRequestCount()).isEqualTo(2);
        assertThat((System.nanoTime() - start) / 1e9).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void serverErrorsAreRetriedThenReported() {
        byte[] before = queueBytes();
        for (int i = 0; i < 3; i++) {
            llm.enqueue(LlmStandIn.error(500, "internal trouble"));
        }

        assertThatThrownBy(() -> planner().plan(new PlanRequest(null, null, false)))
                .isInstanceOf(LlmException.class)
                .hasMessageContaining("answered 500: internal trouble")
                .extracting(e -> ((LlmException) e).kind()).isEqualTo(LlmException.Kind.UPSTREAM);
        assertThat(llm.getRequestCount()).isEqualTo(3);
        assertThat(queueBytes()).isEqualTo(before);
    }

    @Test
    void aClientErrorIsNotRetriedAndNeverShowsTheKey() {
        llm.enqueue(LlmStandIn.error(401, "invalid api key " + KEY));

        assertThatThrownBy(() -> planner().plan(new PlanRequest(null, null, false)))
                .hasMessageContaining("answered 401")
                .hasMessageNotContaining(KEY);
        assertThat(llm.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aTimeoutIsRetriedThenReported() {
        for (int i = 0; i < 2; i++) {
            llm.enqueue(new MockResponse.Builder().headersDelay(3, TimeUnit.SECONDS)
                    .body(LlmStandIn.GOOD_PLAN).build());
        }

        assertThatThrownBy(() -> planner(KEY, 1, Duration.ofMillis(500)).plan(new PlanRequest(null, null, false)))
                .isInstanceOf(LlmException.class)
                .extracting(e -> ((LlmException) e).kind()).isEqualTo(LlmException.Kind.TIMEOUT);
        assertThat(llm.getRequestCount()).isEqualTo(2);
    }

    @Test
    void withoutAKeyNothingIsAsked() {
        assertThatThrownBy(() -> planner(null, 2, Duration.ofSeconds(5)).plan(new PlanRequest(null, null, false)))
                .hasMessageContaining("set TOGETHER_API_KEY")
                .extracting(e -> ((LlmException) e).kind()).isEqualTo(LlmException.Kind.NOT_CONFIGURED);
        assertThat(llm.getRequestCount()).isZero();
    }

    @Test
    void anAnswerCutOffAtMaxTokensQueuesItsCompleteTasksAndSaysSo() {
        llm.enqueue(LlmStandIn.cutOff("{\"tasks\": [{\"id\": \"a\", \"description\": \"Do A\"}, "
                + "{\"id\": \"b\", \"description\": \"Do B\", \"depends_on\": [\"a\"]}, {\"id\": \"task_003\", \"description\": \"Add te"));

        PlanResult result = planner().plan(new PlanRequest(null, null, false));

        assertThat(result.tasks()).extracting(Task::id).containsExactly("a", "b");
        assertThat(result.notes()).first().asString()
                .contains("cut off at max_tokens=" + Planner.MAX_ANSWER_TOKENS).contains("kept the 2 complete task");
        assertThat(store.snapshot().tasks()).extracting(Task::id).containsExactly("existing", "docs", "a", "b");
        assertThat(store.snapshot().task("b").orElseThrow().dependsOn()).containsExactly("a");
    }

    @Test
    void anAnswerCutOffBeforeItsFirstTaskIsABadAnswerThatSaysWhy() {
        byte[] before = queueBytes();
        llm.enqueue(LlmStandIn.cutOff("[{\"id\": \"task_001\", \"description\": \"Add te"));

        assertThatThrownBy(() -> planner().plan(new PlanRequest(null, null, false)))
                .isInstanceOf(PlanException.class)
                .hasMessageContaining("cut off before its first task was complete")
                .hasMessageContaining("max_tokens=" + Planner.MAX_ANSWER_TOKENS)
                .extracting(e -> ((LlmException) e).kind()).isEqualTo(LlmException.Kind.BAD_ANSWER);
        assertThat(queueBytes()).isEqualTo(before);
    }
}
