package io.vivarium.code.agent;

import static io.vivarium.code.agent.ScriptedModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.grind.GrindControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model that counts twice the prompt tokens the agent estimates must still not take the grind over its cap. */
class HeavyTokenizerTest {

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
    void turnsBoughtOnTheEndpointsOwnCountNeverCrossTheCap() {
        agent.model.promptCharsPerToken(2);
        for (int i = 0; i < 30; i++) {
            agent.model.calls(call("read_file", Map.of("path", "app/big.py", "start_line", 1 + 300 * (i % 3))));
        }
        double cap = 0.08;
        DollarBudget budget = new DollarBudget(cap, 0.88, 0.88, 4096);

        AgentOutcome outcome = agent.run(30, budget, List.of(), GrindControl.none());

        assertThat(outcome.ending()).as(outcome.toString()).isEqualTo(AgentOutcome.Ending.BUDGET_EXHAUSTED);
        assertThat(outcome.turns()).as(outcome.toString()).isGreaterThan(2);
        assertThat(outcome.tokenCost()).isLessThanOrEqualTo(cap);
        assertThat(budget.remaining()).isGreaterThanOrEqualTo(0);
    }
}
