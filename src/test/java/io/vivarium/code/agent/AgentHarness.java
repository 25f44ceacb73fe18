package io.vivarium.code.agent;

import io.vivarium.grind.GrindControl;
import io.vivarium.llm.LlmSettings;
import io.vivarium.llm.openai.OpenAiChatModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import mockwebserver3.MockWebServer;

/** The agent wired as an edit grind wires it: the real client against the stand-in, a real check, a dollar cap. */
final class AgentHarness implements AutoCloseable {

    static final double PRICE = 0.88;

    final MockWebServer server = new MockWebServer();
    final ScriptedModel model = new ScriptedModel();
    final Path repo;
    final ScriptCheck check;

    AgentHarness(Path repo) throws Exception {
        this.repo = repo;
        this.check = new ScriptCheck(repo, GitRepo.CHECK);
        server.setDispatcher(model);
        server.start();
    }

    LlmSettings settings() {
        return new LlmSettings(server.url("/v1").toString(), LlmSettings.DEFAULT_MODEL, "sk-test-key", Duration.ofSeconds(10),
                PRICE, PRICE, 0, Duration.ofMillis(10), true, 4096);
    }

    AgentOutcome run(int maxTurns, double cap, List<String> files) {
        return run(maxTurns, new DollarBudget(cap, PRICE, PRICE, 4096), files, GrindControl.none());
    }

    AgentOutcome run(int maxTurns, AgentBudget budget, List<String> files, GrindControl control) {
        return run(maxTurns, budget, files, control, EditAgent.DEFAULT_MAX_CONVERSATION_CHARS);
    }

    AgentOutcome run(int maxTurns, AgentBudget budget, List<String> files, GrindControl control, int maxChars) {
        return run(task(maxTurns, files, null, null), budget, control, maxChars);
    }

    static EditTask task(int maxTurns, List<String> files, String previousCheck, String feedback) {
        return new EditTask("fix_add", "Fix the bug in calc.add", "app/calc.py's add subtracts; make it add.",
                files, maxTurns, null, previousCheck, feedback);
    }

    AgentOutcome run(EditTask task, AgentBudget budget, GrindControl control, int maxChars) {
        return new EditAgent(new OpenAiChatModel(settings()), maxChars).run(repo, task, budget, check, control);
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
