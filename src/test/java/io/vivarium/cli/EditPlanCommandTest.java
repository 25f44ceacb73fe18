package io.vivarium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import io.vivarium.support.LlmStandIn;
import io.vivarium.support.WorkspaceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code vivarium plan} in a git repository: edit grinds, {@code --check} / {@code VIVARIUM_CHECK}, {@code --no-edit}. */
class EditPlanCommandTest {

    @TempDir
    Path workspace;

    private MockWebServer llm;
    private Map<String, String> env;

    @BeforeEach
    void setUp() throws Exception {
        llm = new MockWebServer();
        llm.start();
        llm.enqueue(LlmStandIn.completion(LlmStandIn.GOOD_PLAN));
        env = Map.of("TOGETHER_API_KEY", "test-key", "VIVARIUM_LLM_BASE_URL", llm.url("/v1").toString(),
                "VIVARIUM_CHECK", "make test");
        Files.createDirectories(workspace.resolve("app"));
        Files.writeString(workspace.resolve("app/parser.py"), "def parse(text):\n    return text\n");
        Process init = new ProcessBuilder("git", "init", "-q").directory(workspace.toFile()).start();
        assertThat(init.waitFor(10, TimeUnit.SECONDS) && init.exitValue() == 0).isTrue();
    }

    @AfterEach
    void tearDown() throws Exception {
        llm.close();
    }

    @Test
    void theCheckOptionWinsOverTheVariableAndTheTasksAreEditGrinds() {
        CliRun run = CliRun.in(workspace, env, "plan", "--check", "pytest -q");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("edit grind: files app/parser.py; check: pytest -q");
        JsonNode task = WorkspaceFiles.queue(workspace).get("tasks").get(0);
        assertThat(task.get("worktree").asBoolean()).isTrue();
        assertThat(task.get("check").asString()).isEqualTo("pytest -q");
    }

    @Test
    void theVariableIsTheDefaultCheck() {
        CliRun run = CliRun.in(workspace, env, "plan");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(WorkspaceFiles.queue(workspace).get("tasks").get(0).get("check").asString()).isEqualTo("make test");
    }

    @Test
    void noEditKeepsPromptGrinds() {
        CliRun run = CliRun.in(workspace, env, "plan", "--no-edit");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).doesNotContain("edit grind");
        assertThat(WorkspaceFiles.queue(workspace).get("tasks").get(0).has("worktree")).isFalse();
    }
}
