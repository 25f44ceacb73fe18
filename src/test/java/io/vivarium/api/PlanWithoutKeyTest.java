package io.vivarium.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vivarium.support.CliRun;
import io.vivarium.support.Http;
import io.vivarium.support.ServerWorkspace;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token=", "vivarium.llm.api-key="})
class PlanWithoutKeyTest {

    static final Path WORKSPACE = ServerWorkspace.create("nokey");

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
    }

    @LocalServerPort
    int port;

    private static void assumeNoKeyOnThisMachine() {
        assumeTrue(System.getenv("TOGETHER_API_KEY") == null && System.getProperty("TOGETHER_API_KEY") == null,
                "TOGETHER_API_KEY is set on this machine");
    }

    @Test
    void planAnswers503SayingWhatToSet() {
        assumeNoKeyOnThisMachine();

        Http.Response r = Http.at(port).post("/plan", null);

        assertThat(r.status()).isEqualTo(503);
        assertThat(r.json().get("detail").asString()).contains("set TOGETHER_API_KEY");
    }

    @Test
    void thePlanVerbExitsTwoSayingWhatToSet() {
        assumeNoKeyOnThisMachine();

        CliRun run = CliRun.in(WORKSPACE, "plan");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("set TOGETHER_API_KEY");
    }

    @Test
    void aPromptTaskWithoutAKeyFailsClearlyAndCostsNothing() {
        assumeNoKeyOnThisMachine();
        CliRun.in(WORKSPACE, "add", "ask", "grind", "--prompt", "improve the code");

        CliRun start = CliRun.in(WORKSPACE, "start", "1");

        assertThat(start.exitCode()).isEqualTo(1);
        assertThat(start.out()).contains("no LLM configured for prompt grinds: set TOGETHER_API_KEY");
    }
}
