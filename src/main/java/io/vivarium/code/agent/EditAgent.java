package io.vivarium.code.agent;

import io.vivarium.grind.GrindControl;
import io.vivarium.llm.ChatCompletion;
import io.vivarium.llm.ChatMessage;
import io.vivarium.llm.ChatModel;
import io.vivarium.llm.ChatRequest;
import io.vivarium.llm.LlmException;
import io.vivarium.llm.ToolCall;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vivarium's own agent: model turns with the six tools until the model calls {@code finish}, the turns run out,
 * the budget cannot buy another turn, the grind is stopped, or the endpoint fails. Each turn asks for at most
 * the tokens the budget has left, and is charged at the endpoint's own count.
 */
public final class EditAgent implements CodeAgent {

    /** About 20k tokens of history: room for a few files and check outputs without resending a book each turn. */
    public static final int DEFAULT_MAX_CONVERSATION_CHARS = 80_000;

    /** What a chat template and its tool rendering add to a request, roughly. */
    static final int TEMPLATE_TOKENS = 200;

    private static final Logger log = LoggerFactory.getLogger(EditAgent.class);

    private final ChatModel model;
    private final int maxConversationChars;

    public EditAgent(ChatModel model) {
        this(model, DEFAULT_MAX_CONVERSATION_CHARS);
    }

    public EditAgent(ChatModel model, int maxConversationChars) {
        this.model = model;
        this.maxConversationChars = maxConversationChars;
    }

    @Override
    public AgentOutcome run(Path worktree, EditTask task, AgentBudget budget, CheckRunner check, GrindControl control) {
        WorktreePaths paths = new WorktreePaths(worktree);
        AgentTools tools = new AgentTools(paths, check);
        String map = task.repositoryMap() != null ? task.repositoryMap() : RepositoryMap.of(paths.root());
        Conversation conversation = new Conversation(maxConversationChars);
        conversation.add(ChatMessage.system(AgentPrompt.SYSTEM));
        conversation.add(ChatMessage.user(AgentPrompt.firstMessage(task, paths, map)));
        Tally tally = new Tally();
        boolean nudged = false;
        long lastPromptTokens = 0;
        int charsAtLastPrompt = 0;
        Interruptible stopper = Interruptible.on(control);
        while (true) {
            if (control.isStopped()) {
                return tally.end(AgentOutcome.Ending.STOPPED, null, "stopped: " + control.stopReason());
            }
            if (tally.turns >= task.maxTurns()) {
                return tally.end(AgentOutcome.Ending.MAX_TURNS, null,
                        "the model did not finish within max_turns=" + task.maxTurns());
            }
            conversation.fit();
            // Padded: code and JSON run nearer 3 characters a token than 4, and the endpoint renders the tool
            // schemas into its own template; a turn bought on a low guess could cross the cap.
            int estimate = conversation.estimatedTokens(AgentTools.SPECS) * 5 / 4 + TEMPLATE_TOKENS;
            int chars = conversation.chars();
            if (lastPromptTokens > 0) {
                // The endpoint counted the last prompt: that, plus what came since at 1.6 characters a token (dense
                // code, JSON escaping), keeps a tokenizer heavier than the rule of thumb from crossing the cap.
                estimate = (int) Math.min(Integer.MAX_VALUE, Math.max(estimate, lastPromptTokens
                        + Math.max(0, chars - charsAtLastPrompt) * 5L / 8 + TEMPLATE_TOKENS));
            }
            int maxTokens = budget.maxTokensForTurn(estimate);
            if (maxTokens <= 0) {
                return tally.end(AgentOutcome.Ending.BUDGET_EXHAUSTED, null, String.format(
                        "budget exhausted: $%.6f left cannot buy another turn of ~%d input tokens",
                        budget.remaining(), estimate));
            }
            ChatCompletion answer;
            try (Interruptible.Wait waiting = stopper.waiting()) {
                answer = model.complete(new ChatRequest(conversation.messages(), maxTokens, false,
                        AgentTools.SPECS));
            } catch (LlmException e) {
                if (control.isStopped()) {
                    return tally.end(AgentOutcome.Ending.STOPPED, null, "stopped: " + control.stopReason());
                }
                return tally.end(AgentOutcome.Ending.LLM_ERROR, null, e.getMessage());
            }
            tally.charge(answer, budget);
            lastPromptTokens = answer.usage().promptTokens();
            charsAtLastPrompt = chars;
            if (answer.toolCalls().isEmpty()) {
                if (nudged) {
                    return tally.end(AgentOutcome.Ending.LLM_ERROR, null, "the model answered twice without "
                            + "a tool call (does the endpoint's model support tool calls?)");
                }
                nudged = true;
                conversation.add(ChatMessage.assistant(answer.content(), List.of()));
                conversation.add(ChatMessage.user(AgentPrompt.NUDGE));
                continue;
            }
            conversation.add(ChatMessage.assistant(
                    answer.content() == null || answer.content().isEmpty() ? null : answer.content(),
                    answer.toolCalls()));
            String summary = null;
            for (ToolCall call : answer.toolCalls()) {
                // Every call is answered, even after finish or a stop: the format wants one answer per call.
                AgentTools.Answer result = summary != null || control.isStopped()
                        ? AgentTools.Answer.of("not run: the task has ended")
                        : tools.call(call);
                log.debug("{} turn {}: {} -> {}", task.taskId(), tally.turns, call.name(),
                        result.text().lines().findFirst().orElse(""));
                conversation.add(ChatMessage.tool(call.id(), result.text()));
                if (result.finished()) {
                    summary = result.summary();
                }
            }
            if (summary != null) {
                return tally.end(AgentOutcome.Ending.FINISHED, summary, null);
            }
        }
    }

    /** Turns and tokens so far. */
    private static final class Tally {
        int turns;
        long tokensIn;
        long tokensOut;
        double cost;

        void charge(ChatCompletion answer, AgentBudget budget) {
            turns++;
            tokensIn += answer.usage().promptTokens();
            tokensOut += answer.usage().completionTokens();
            cost += budget.chargeTokens(answer.usage().promptTokens(), answer.usage().completionTokens());
        }

        AgentOutcome end(AgentOutcome.Ending ending, String summary, String detail) {
            return new AgentOutcome(ending, summary, detail, turns, tokensIn, tokensOut, cost);
        }
    }
}
