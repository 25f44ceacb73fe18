package io.vivarium.llm;

import io.vivarium.grind.GrindControl;
import io.vivarium.grind.GrindRequest;
import io.vivarium.grind.PromptRunner;
import io.vivarium.task.Budget;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Money;
import java.util.List;
import java.util.Locale;

/**
 * A prompt grind: one chat completion within the grind's budget. {@code max_tokens} is what the budget can buy
 * after the prompt's own (estimated) cost; the charge is the real usage at the configured prices, at least the
 * minimum and never above the maximum.
 */
public final class PromptGrinds implements PromptRunner {

    static final String SYSTEM = "You are a careful senior engineer working on the user's codebase. Answer with "
            + "concrete, actionable changes: name the files, show code or a unified diff where it helps, and keep "
            + "the answer focused on the task.";

    private final ChatModel model;
    private final LlmSettings settings;

    public PromptGrinds(ChatModel model, LlmSettings settings) {
        this.model = model;
        this.settings = settings;
    }

    @Override
    public GrindResult run(GrindRequest request, GrindControl control) {
        ChatRequest probe = new ChatRequest(messages(request.prompt()), 1, false);
        int inputTokens = probe.estimatedInputTokens();
        double inputCost = inputTokens * settings.inputDollarsPerMillion() / 1e6;
        double left = request.maxBudget() - inputCost;
        int maxTokens = (int) Math.min(settings.maxAnswerTokens(),
                Math.floor(left / (settings.outputDollarsPerMillion() / 1e6)));
        if (maxTokens < 16) {
            return GrindResult.finalFailure(0, String.format(Locale.ROOT,
                    "budget too small for this prompt: ~%d input tokens cost $%.6f of the $%s cap, leaving room for "
                            + "%d answer tokens", inputTokens, inputCost, Budget.format(request.maxBudget()),
                    Math.max(0, maxTokens)), null, null);
        }
        ChatCompletion completion;
        try {
            completion = model.complete(new ChatRequest(messages(request.prompt()), maxTokens, false));
        } catch (LlmException e) {
            boolean again = e.kind() == LlmException.Kind.TIMEOUT || e.kind() == LlmException.Kind.UPSTREAM;
            return again ? GrindResult.failure(0, "LLM: " + e.getMessage(), null, null)
                    : GrindResult.finalFailure(0, "LLM: " + e.getMessage(), null, null);
        }
        double cost = settings.costOf(completion.usage());
        double charged = Money.round(Math.min(request.maxBudget(), Math.max(request.minBudget(), cost)));
        String usage = completion.usage().promptTokens() + " prompt + " + completion.usage().completionTokens()
                + " completion tokens";
        TokenUsage used = completion.usage();
        if (control.isStopped()) {
            return GrindResult.failure(charged, "stopped: " + control.stopReason(), null, null)
                    .withTokens(used.promptTokens(), used.completionTokens());
        }
        if (completion.content() == null || completion.content().isBlank()) {
            return GrindResult.failure(charged, "LLM returned an empty answer (" + usage + ")", null, null)
                    .withTokens(used.promptTokens(), used.completionTokens());
        }
        return GrindResult.success(charged, completion.content(), null, usage
                + ("length".equals(completion.finishReason()) ? "; stopped at max_tokens=" + maxTokens : ""))
                .withTokens(used.promptTokens(), used.completionTokens());
    }

    private static List<ChatMessage> messages(String prompt) {
        return List.of(ChatMessage.system(SYSTEM), ChatMessage.user(prompt));
    }
}
