package io.vivarium.code.agent;

import static io.vivarium.code.agent.ScriptedModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.grind.GrindControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** What keeps a long or stopped loop in bounds: the conversation's size, a stop, a big file read in parts. */
class AgentLimitsTest {

    @TempDir
    Path dir;

    private AgentHarness agent;

    @BeforeEach
    void setUp() throws Exception {
        agent = new AgentHarness(GitRepo.calculator(dir));
        StringBuilder big = new StringBuilder();
        for (int i = 1; i <= 1000; i++) {
            big.append("value_").append(i).append(" = ").append(i).append("  # a line of filler text\n");
        }
        Files.writeString(dir.resolve("app/big.py"), big);
    }

    @AfterEach
    void tearDown() throws Exception {
        agent.close();
    }

    @Test
    void oldToolOutputsAreElidedSoTheConversationStaysBounded() {
        for (int i = 0; i < 8; i++) {
            agent.model.calls(call("read_file", Map.of("path", "app/big.py", "start_line", 1 + 300 * (i % 3))));
        }
        agent.model.calls(call("finish", Map.of("summary", "read it all")));

        AgentOutcome outcome = agent.run(12, new DollarBudget(1.0, 0.88, 0.88, 4096), List.of(),
                GrindControl.none(), 40_000);

        assertThat(outcome.ending()).isEqualTo(AgentOutcome.Ending.FINISHED);
        JsonNode last = agent.model.requests.get(8).get("messages");
        assertThat(ScriptedModel.JSON.writeValueAsString(last).length()).isLessThan(60_000);
        List<String> answers = agent.model.toolAnswers(8);
        assertThat(answers.get(0)).startsWith("[elided: an earlier output of");
        assertThat(answers.get(answers.size() - 1)).contains("value_301 = 301", "(lines 301-700 of 1000; read on "
                + "with start_line=701)");
        // The task itself is never elided.
        assertThat(last.get(1).get("content").asString()).contains("Fix the bug in calc.add");
    }

    @Test
    void aStopEndsTheLoopWithoutWaitingForTheModelsAnswer() throws Exception {
        agent.model.calls(call("list_files", Map.of()))
                .respond(ToolCallsSlowly.answerAfter(Duration.ofSeconds(30)));
        GrindControl control = GrindControl.none();

        CompletableFuture<AgentOutcome> running = CompletableFuture.supplyAsync(() -> agent.run(12,
                new DollarBudget(1.0, 0.88, 0.88, 4096), List.of(), control));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> agent.model.requests.size() == 2);
        long start = System.nanoTime();
        control.stop("timed out");
        AgentOutcome outcome = running.get(10, TimeUnit.SECONDS);

        assertThat(outcome.ending()).isEqualTo(AgentOutcome.Ending.STOPPED);
        assertThat(outcome.detail()).isEqualTo("stopped: timed out");
        assertThat(outcome.turns()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aGrindStoppedBeforeItStartsTakesNoTurn() {
        GrindControl control = GrindControl.none();
        control.stop("cancelled");

        AgentOutcome outcome = agent.run(12, new DollarBudget(1.0, 0.88, 0.88, 4096), List.of(), control);

        assertThat(outcome.ending()).isEqualTo(AgentOutcome.Ending.STOPPED);
        assertThat(outcome.turns()).isZero();
        assertThat(agent.model.requests).isEmpty();
    }

    /** A response held back by the stand-in, as a model that takes its time. */
    private static final class ToolCallsSlowly {
        static MockResponse answerAfter(Duration delay) {
            return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                    .headersDelay(delay.toMillis(), TimeUnit.MILLISECONDS).body("{}").build();
        }
    }
}
