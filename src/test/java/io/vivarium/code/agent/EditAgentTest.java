package io.vivarium.code.agent;

import static io.vivarium.code.agent.ScriptedModel.call;
import static io.vivarium.code.agent.ScriptedModel.raw;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The agent's loop against a scripted model on a real repository, with a real check (pytest). */
class EditAgentTest {

    private static final String BUGGY = "def add(a, b):\n    return a - b";
    private static final String FIXED = "def add(a, b):\n    return a + b";

    @TempDir
    Path dir;

    private AgentHarness agent;

    @BeforeEach
    void setUp() throws Exception {
        agent = new AgentHarness(GitRepo.calculator(dir));
    }

    @AfterEach
    void tearDown() throws Exception {
        agent.close();
    }

    @Test
    void readsFixesRunsTheCheckAndFinishes() throws Exception {
        agent.model.calls(call("read_file", Map.of("path", "app/calc.py")))
                .calls(call("replace_in_file", Map.of("path", "app/calc.py", "old", BUGGY, "new", FIXED)))
                .calls(call("run_check", Map.of()))
                .calls(call("finish", Map.of("summary", "add now adds instead of subtracting")));

        AgentOutcome outcome = agent.run(12, 0.10, List.of("app/calc.py"));

        assertThat(outcome.ending()).isEqualTo(AgentOutcome.Ending.FINISHED);
        assertThat(outcome.summary()).isEqualTo("add now adds instead of subtracting");
        assertThat(outcome.turns()).isEqualTo(4);
        assertThat(Files.readString(dir.resolve("app/calc.py"))).contains("return a + b").contains("def sub");
        assertThat(GitRepo.git(dir, "status", "--porcelain")).isEqualTo(" M app/calc.py\n");
        assertThat(agent.check.runs.get()).isEqualTo(1);

        List<JsonNode> requests = agent.model.requests;
        assertThat(requests).hasSize(4);
        JsonNode first = requests.get(0);
        List<String> tools = new ArrayList<>();
        first.get("tools").forEach(t -> tools.add(t.get("function").get("name").asString()));
        assertThat(tools).containsExactly("list_files", "read_file", "write_file", "replace_in_file", "run_check",
                "finish");
        assertThat(first.has("response_format")).isFalse();
        String task = first.get("messages").get(1).get("content").asString();
        assertThat(task).contains("Fix the bug in calc.add", "app/calc.py (6 lines, tested): functions add, sub",
                "tests/test_calc.py", "=== app/calc.py ===", "2|     return a - b");
        assertThat(agent.model.lastToolAnswer(1)).startsWith("1| def add(a, b):").contains("2|     return a - b");
        assertThat(agent.model.lastToolAnswer(2)).isEqualTo("replaced 1 occurrence in app/calc.py at line 1");
        assertThat(agent.model.lastToolAnswer(3)).contains("passed (exit code 0)", "2 passed");

        // The history goes back as the format has it: the assistant's calls, then one tool answer per call id.
        JsonNode messages = requests.get(1).get("messages");
        JsonNode assistant = messages.get(2);
        assertThat(assistant.get("role").asString()).isEqualTo("assistant");
        assertThat(assistant.get("content").isNull()).isTrue();
        String id = assistant.get("tool_calls").get(0).get("id").asString();
        assertThat(assistant.get("tool_calls").get(0).get("function").get("name").asString()).isEqualTo("read_file");
        assertThat(messages.get(3).get("role").asString()).isEqualTo("tool");
        assertThat(messages.get(3).get("tool_call_id").asString()).isEqualTo(id);

        // Charged at the endpoint's own counts, which the stand-in took from the real requests.
        assertThat(outcome.tokensIn()).isGreaterThan(2000);
        assertThat(outcome.tokenCost()).isCloseTo((outcome.tokensIn() + outcome.tokensOut()) * 0.88 / 1e6,
                org.assertj.core.data.Offset.offset(1e-12));
        System.out.printf("typical fix: %d turns, %d tokens in, %d out, $%.6f%n", outcome.turns(),
                outcome.tokensIn(), outcome.tokensOut(), outcome.tokenCost());
    }

    @Test
    void aWrongEditFailsTheCheckAndACorrectSecondEditPassesIt() throws Exception {
        String wrong = "def add(a, b):\n    return a * b";
        agent.model.calls(call("replace_in_file", Map.of("path", "app/calc.py", "old", BUGGY, "new", wrong)))
                .calls(call("run_check", Map.of()))
                .calls(call("replace_in_file", Map.of("path", "app/calc.py", "old", wrong, "new", FIXED)))
                .calls(call("run_check", Map.of()))
                .calls(call("finish", Map.of("summary", "fixed add")));

        AgentOutcome outcome = agent.run(12, 0.10, List.of("app/calc.py"));

        assertThat(outcome.ending()).isEqualTo(AgentOutcome.Ending.FINISHED);
        assertThat(agent.model.lastToolAnswer(2)).contains("failed (exit code 1)", "assert 6 == 5", "1 failed");
        assertThat(agent.model.lastToolAnswer(4)).contains("passed (exit code 0)", "2 passed");
        assertThat(Files.readString(dir.resolve("app/calc.py"))).contains("return a + b");
        assertThat(agent.check.runs.get()).isEqualTo(2);
    }

    @Test
    void aReplacementThatIsAbsentOrNotUniqueIsAnErrorAndChangesNothing() throws Exception {
        agent.model.calls(call("replace_in_file", Map.of("path", "app/calc.py", "old", "return a - b",
                        "new", "return a + b")))
                .calls(call("replace_in_file", Map.of("path", "app/calc.py", "old", "return a / b", "new", "x")))
                .calls(call("finish", Map.of("summary", "gave up")));

        agent.run(12, 0.10, List.of());

        assertThat(agent.model.lastToolAnswer(1))
                .isEqualTo("error: old occurs 2 times in app/calc.py (at lines 2, 6); include more surrounding "
                        + "lines so that it is unique");
        assertThat(agent.model.lastToolAnswer(2)).startsWith("error: old was not found in app/calc.py");
        assertThat(Files.readString(dir.resolve("app/calc.py"))).isEqualTo(GitRepo.CALC);
    }

    @Test
    void malformedArgumentsAndUnknownToolsAreAnsweredWithErrorsAndTheLoopGoesOn() throws Exception {
        agent.model.calls(raw("read_file", "{\"path\": \"app/calc.py"), raw("write_file", "[1, 2]"))
                .calls(call("delete_file", Map.of("path", "app/calc.py")))
                .calls(call("write_file", Map.of("path", "app/new.py")))
                .calls(call("finish", Map.of("summary", "done")));

        AgentOutcome outcome = agent.run(12, 0.10, List.of());

        assertThat(outcome.ending()).isEqualTo(AgentOutcome.Ending.FINISHED);
        List<String> first = agent.model.toolAnswers(1);
        assertThat(first).hasSize(2);
        assertThat(first.get(0)).startsWith("error: the arguments are not valid JSON");
        assertThat(first.get(1)).startsWith("error: the arguments must be one JSON object");
        assertThat(agent.model.lastToolAnswer(2)).isEqualTo("error: there is no tool 'delete_file'; the tools are "
                + "list_files, read_file, write_file, replace_in_file, run_check and finish");
        assertThat(agent.model.lastToolAnswer(3)).isEqualTo("error: missing argument 'content'");
        assertThat(GitRepo.git(dir, "status", "--porcelain")).isEmpty();
    }

    @Test
    void aRetryStartsWithThePreviousChecksOutputAndTheReviewersFeedback() {
        agent.model.calls(call("finish", Map.of("summary", "nothing")));

        agent.run(AgentHarness.task(12, List.of("app/calc.py", "app/missing.py"),
                        "FAILED tests/test_calc.py::test_add - assert -1 == 5",
                        "keep sub as it is; only add is wrong"),
                new DollarBudget(0.10, 0.88, 0.88, 4096), io.vivarium.grind.GrindControl.none(),
                EditAgent.DEFAULT_MAX_CONVERSATION_CHARS);

        String first = agent.model.requests.get(0).get("messages").get(1).get("content").asString();
        assertThat(first).contains("A previous attempt at this task failed its check",
                "FAILED tests/test_calc.py::test_add - assert -1 == 5",
                "A reviewer rejected the previous attempt with this feedback:\nkeep sub as it is; only add is wrong",
                "app/missing.py: does not exist yet");
        assertThat(agent.model.requests.get(0).get("messages").get(0).get("content").asString())
                .isEqualTo(AgentPrompt.SYSTEM);
    }

    @Test
    void theLoopEndsAtMaxTurns() {
        for (int i = 0; i < 5; i++) {
            agent.model.calls(call("list_files", Map.of()));
        }

        AgentOutcome outcome = agent.run(3, 0.10, List.of());

        assertThat(outcome.ending()).isEqualTo(AgentOutcome.Ending.MAX_TURNS);
        assertThat(outcome.turns()).isEqualTo(3);
        assertThat(agent.model.requests).hasSize(3);
        assertThat(agent.model.lastToolAnswer(2)).isEqualTo("app/calc.py\ntests/test_calc.py\n");
    }

    @Test
    void theLoopEndsWhenTheBudgetCannotBuyAnotherTurnAndNeverCrossesIt() {
        for (int i = 0; i < 10; i++) {
            agent.model.calls(call("read_file", Map.of("path", "tests/test_calc.py")));
        }
        // About three turns' worth: a turn here is ~1,500 tokens in, ~$0.0013.
        DollarBudget budget = new DollarBudget(0.0045, AgentHarness.PRICE, AgentHarness.PRICE, 4096);

        AgentOutcome outcome = agent.run(12, budget, List.of(), io.vivarium.grind.GrindControl.none());

        assertThat(outcome.ending()).isEqualTo(AgentOutcome.Ending.BUDGET_EXHAUSTED);
        assertThat(outcome.turns()).isBetween(1, 9);
        assertThat(agent.model.requests).hasSize(outcome.turns());
        assertThat(budget.remaining()).isGreaterThanOrEqualTo(0);
        assertThat(outcome.tokenCost()).isLessThanOrEqualTo(0.0045);
        assertThat(outcome.detail()).startsWith("budget exhausted");
        int firstMax = agent.model.requests.get(0).get("max_tokens").asInt();
        int lastMax = agent.model.requests.get(outcome.turns() - 1).get("max_tokens").asInt();
        assertThat(lastMax).isLessThan(firstMax);
    }

    @Test
    void aModelThatAnswersInPlainTextIsNudgedOnceThenTheLoopEnds() {
        agent.model.text("I would change the minus to a plus.").text("Done, I think.");

        AgentOutcome outcome = agent.run(12, 0.10, List.of());

        assertThat(outcome.ending()).isEqualTo(AgentOutcome.Ending.LLM_ERROR);
        assertThat(outcome.turns()).isEqualTo(2);
        assertThat(outcome.detail()).contains("without a tool call");
        JsonNode messages = agent.model.requests.get(1).get("messages");
        assertThat(messages.get(messages.size() - 1).get("content").asString()).isEqualTo(AgentPrompt.NUDGE);
    }

    @Test
    void anUnusableEndpointEndsTheLoopWithItsError() {
        agent.model.respond(new mockwebserver3.MockResponse.Builder().code(401)
                .body("{\"error\": {\"message\": \"invalid api key sk-test-key\"}}").build());

        AgentOutcome outcome = agent.run(12, 0.10, List.of());

        assertThat(outcome.ending()).isEqualTo(AgentOutcome.Ending.LLM_ERROR);
        assertThat(outcome.detail()).contains("401").doesNotContain("sk-test-key");
        assertThat(outcome.turns()).isZero();
    }
}
