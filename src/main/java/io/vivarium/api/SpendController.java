package io.vivarium.api;

import io.vivarium.llm.LlmSettings;
import io.vivarium.spend.CostReport;
import io.vivarium.spend.SpendLimit;
import io.vivarium.spend.SpendStatus;
import io.vivarium.spend.SpendView;
import io.vivarium.store.Snapshot;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.task.InvalidTaskException;
import java.util.Optional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The spend limit kept in the store ({@code GET/PUT/DELETE /limit}, the CLI's {@code limit}), and where the money
 * went ({@code GET /costs}, the CLI's {@code costs}).
 */
@RestController
class SpendController {

    static final String FIELD = "limit";

    private final TaskStore store;
    private final StoreSettings settings;
    private final LlmSettings llm;

    SpendController(TaskStore store, StoreSettings settings, LlmSettings llm) {
        this.store = store;
        this.settings = settings;
        this.llm = llm;
    }

    @GetMapping("/limit")
    SpendView limit() {
        return spend().view();
    }

    /**
     * {@code {"limit": 5.00}} (a number, or a string such as {@code "5.00"}): kept in the store for every process
     * that shares it. Anything else is a 400 naming {@code limit}, and nothing changes.
     */
    @PutMapping("/limit")
    SpendView setLimit(@RequestBody JsonNode body) {
        JsonNode value = body.isObject() ? body.get(FIELD) : null;
        if (value == null || value.isNull()) {
            throw new InvalidTaskException(FIELD,
                    "limit is required, in dollars, such as {\"limit\": 5.00}; DELETE /limit removes it");
        }
        if (!value.isNumber() && !value.isString()) {
            throw new InvalidTaskException(FIELD, "limit must be a number of dollars, such as 5.00");
        }
        SpendLimit limit = SpendLimit.parse(FIELD, value.isNumber() ? value.numberValue().toString() : value.asString());
        store.limitSpend(Optional.of(limit));
        return limit();
    }

    @DeleteMapping("/limit")
    SpendView removeLimit() {
        store.limitSpend(Optional.empty());
        return limit();
    }

    @GetMapping("/costs")
    CostReport costs() {
        Snapshot snapshot = store.snapshot();
        return CostReport.of(snapshot.tasks(), snapshot.runs()::get, spend(), llm.inputDollarsPerMillion(),
                llm.outputDollarsPerMillion());
    }

    private SpendStatus spend() {
        return store.spend(settings.spendLimit());
    }
}
