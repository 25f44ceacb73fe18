package io.vivarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vivarium.task.GrindResult;

/** What a grind did, in the guide's shape: {@code {"status","result","budget_used"}} plus details when there are any. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GrindResponse(String status, String result, double budgetUsed, String error, Integer exitCode,
                            String output) {

    static GrindResponse of(GrindResult r) {
        return new GrindResponse(r.succeeded() ? "completed" : "failed", r.succeeded() ? r.result() : r.error(),
                r.budgetUsed(), r.error(), r.exitCode(), r.output());
    }
}
