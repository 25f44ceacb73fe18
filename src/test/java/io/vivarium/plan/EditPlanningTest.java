package io.vivarium.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.llm.LlmSettings;
import io.vivarium.llm.openai.OpenAiChatModel;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.LlmStandIn;
import io.vivarium.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** In a git repository the planner queues edit grinds: worktree, the files the model named, the check. */
class EditPlanningTest {

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
        Files.writeString(workspace.resolve("main.py"), "def main():\n    pass\n");
        Files.writeString(workspace.resolve("app/parser.py"), "def parse(text):\n    return text\n");
        Process init = new ProcessBuilder("git", "init", "-q").directory(workspace.toFile()).start();
        assertThat(init.waitFor(10, TimeUnit.SECONDS) && init.exitValue() == 0).isTrue();
    }

    @AfterEach
    void tearDown() throws Exception {
        llm.close();
    }

    private PlanResult plan(PlanRequest request) {
        LlmSettings settings = new LlmSettings(llm.url("/v1").toString(), LlmSettings.DEFAULT_MODEL, "sk-test",
                Duration.ofSeconds(5), 0.88, 0.88, 0, Duration.ofMillis(10), true, 4096);
        return new Planner(new OpenAiChatModel(settings), settings, store, workspace, ScanSettings.defaults())
                .plan(request);
    }

    @Test
    void plannedTasksAreEditGrindsWithTheirFilesAndTheGivenCheck() throws Exception {
        llm.enqueue(LlmStandIn.completion(LlmStandIn.GOOD_PLAN));

        PlanResult result = plan(new PlanRequest(null, 5, false, false, "pytest -q"));

        assertThat(result.tasks()).hasSize(3).allSatisfy(t -> {
            assertThat(t.worktree()).isTrue();
            assertThat(t.check()).isEqualTo("pytest -q");
            assertThat(t.kind()).isEqualTo(Task.GrindKind.PROMPT);
        });
        Task tests = store.snapshot().task("add_tests_for_parser").orElseThrow();
        assertThat(tests.worktree()).isTrue();
        assertThat(tests.files()).containsExactly("app/parser.py");
        assertThat(tests.prompt()).startsWith("Add unit tests for parser.py").contains("run the check");
        RecordedRequest request = llm.takeRequest(5, TimeUnit.SECONDS);
        JsonNode body = JSON.readTree(request.getBody().utf8());
        assertThat(body.get("messages").get(0).get("content").asString())
                .contains("small, checkable changes", "every file the task reads or changes");
    }

    @Test
    void withoutACheckTheTaskLeavesItToDetectionAndBadPathsAreDroppedWithANote() {
        llm.enqueue(LlmStandIn.completion("""
                {"tasks": [{"id": "fix_parse", "description": "Fix parse", "priority": "high",
                 "files": ["./app/parser.py", "../etc/passwd", "/abs/path.py", "tests/test_parser.py"]}]}"""));

        PlanResult result = plan(new PlanRequest(null, 5, false, false, null));

        Task task = result.tasks().get(0);
        assertThat(task.check()).isNull();
        assertThat(task.files()).containsExactly("app/parser.py", "tests/test_parser.py");
        assertThat(result.notes()).contains(
                "dropped file '../etc/passwd' of 'fix_parse': not a path inside the repository",
                "dropped file '/abs/path.py' of 'fix_parse': not a path inside the repository");
    }

    @Test
    void noEditKeepsPromptGrinds() throws Exception {
        llm.enqueue(LlmStandIn.completion(LlmStandIn.GOOD_PLAN));

        PlanResult result = plan(new PlanRequest(null, 5, false, true, "pytest -q"));

        assertThat(result.tasks()).allSatisfy(t -> {
            assertThat(t.worktree()).isFalse();
            assertThat(t.files()).isEmpty();
            assertThat(t.check()).isNull();
        });
        JsonNode body = JSON.readTree(llm.takeRequest(5, TimeUnit.SECONDS).getBody().utf8());
        assertThat(body.get("messages").get(0).get("content").asString()).isEqualTo(Planner.SYSTEM);
    }

    @Test
    void outsideAGitRepositoryTasksStayPromptGrinds() throws Exception {
        Path plain = Files.createDirectories(workspace.resolveSibling(workspace.getFileName() + "-plain"));
        try {
            FileTaskStore plainStore = new FileTaskStore(plain, Clock.systemUTC());
            llm.enqueue(LlmStandIn.completion(LlmStandIn.GOOD_PLAN));
            LlmSettings settings = new LlmSettings(llm.url("/v1").toString(), LlmSettings.DEFAULT_MODEL, "sk-test",
                    Duration.ofSeconds(5), 0.88, 0.88, 0, Duration.ofMillis(10), true, 4096);
            PlanResult result = new Planner(new OpenAiChatModel(settings), settings, plainStore, plain,
                    ScanSettings.defaults()).plan(new PlanRequest(null, 5, true, false, "pytest -q"));

            assertThat(result.tasks()).allSatisfy(t -> assertThat(t.worktree()).isFalse());
        } finally {
            try (var files = Files.walk(plain)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
