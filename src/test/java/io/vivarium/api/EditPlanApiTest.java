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
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** {@code POST /plan} in a git repository: edit grinds with the server's check, or prompt grinds on {@code no_edit}. */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token=", "vivarium.llm.api-key=test-key",
                "vivarium.llm.max-retries=0", "vivarium.check=python3 -m pytest -q"})
class EditPlanApiTest {

    static final Path WORKSPACE = ServerWorkspace.create("edit-plan");
    static final MockWebServer LLM = new MockWebServer();

    static {
        try {
            LLM.start();
            Process init = new ProcessBuilder("git", "init", "-q").directory(WORKSPACE.toFile()).start();
            if (!init.waitFor(10, TimeUnit.SECONDS) || init.exitValue() != 0) {
                throw new IllegalStateException("git init failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    @BeforeEach
    void project() throws IOException {
        CliRun.in(WORKSPACE, "clear");
        Files.createDirectories(WORKSPACE.resolve("app"));
        Files.writeString(WORKSPACE.resolve("app/parser.py"), "def parse(text):\n    return text\n");
        LLM.enqueue(LlmStandIn.completion(LlmStandIn.GOOD_PLAN));
    }

    @Test
    void inAGitRepositoryThePlanIsEditGrindsWithTheServersCheck() {
        Http.Response planned = Http.at(port).post("/plan", "{\"max_tasks\": 2}");

        assertThat(planned.status()).as(planned.body()).isEqualTo(201);
        JsonNode first = planned.json().get("tasks").get(0);
        assertThat(first.toString()).contains("\"worktree\":true", "\"check\":\"python3 -m pytest -q\"",
                "\"files\":[\"app/parser.py\"]");
        JsonNode queued = WorkspaceFiles.queue(WORKSPACE).get("tasks").get(0);
        assertThat(queued.get("worktree").asBoolean()).isTrue();
        assertThat(queued.get("files").get(0).asString()).isEqualTo("app/parser.py");
    }

    @Test
    void noEditAndABodyCheckAreHonoured() {
        Http.Response planned = Http.at(port).post("/plan", "{\"no_edit\": true}");

        assertThat(planned.status()).as(planned.body()).isEqualTo(201);
        JsonNode queued = WorkspaceFiles.queue(WORKSPACE).get("tasks").get(0);
        assertThat(queued.has("worktree")).isFalse();
        assertThat(queued.has("files")).isFalse();

        CliRun.in(WORKSPACE, "clear");
        LLM.enqueue(LlmStandIn.completion(LlmStandIn.GOOD_PLAN));
        Http.Response checked = Http.at(port).post("/plan", "{\"check\": \"make test\", \"max_tasks\": 1}");
        assertThat(checked.status()).as(checked.body()).isEqualTo(201);
        assertThat(WorkspaceFiles.queue(WORKSPACE).get("tasks").get(0).get("check").asString())
                .isEqualTo("make test");
    }
}
