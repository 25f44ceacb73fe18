package io.vivarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vivarium.task.GrindResult;

/**
 * What a grind did, in the guide's shape: {@code {"status","result","budget_used"}} plus details when there are any;
 * {@code usage} only for a prompt grind, with the tokens it sent and got back.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GrindResponse(String status, String result, double budgetUsed, String error, Integer exitCode,
                            String output, Usage usage) {

    /** Token counts as OpenAI-compatible endpoints name them. */
    public record Usage(long promptTokens, long completionTokens) {
    }

    static GrindResponse of(GrindResult r) {
        Usage usage = r.tokensIn() == 0 && r.tokensOut() == 0 ? null : new Usage(r.tokensIn(), r.tokensOut());
        return new GrindResponse(r.succeeded() ? "completed" : "failed", r.succeeded() ? r.result() : r.error(),
                r.budgetUsed(), r.error(), r.exitCode(), r.output(), usage);
    }
}
