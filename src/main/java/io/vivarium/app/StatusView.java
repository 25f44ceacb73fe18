package io.vivarium.app;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.vivarium.spend.SpendView;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.Summary;
import java.util.List;

/**
 * What {@code status --json} and {@code GET /status} answer: the counts, then the spend ({@code spent},
 * {@code reserved}, {@code spend_limit}, …), then the pause: {@code paused} (the whole workspace) and
 * {@code paused_queues}, flat in one object. The pause is left out by those that do not read it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StatusView(@JsonUnwrapped Summary summary, @JsonUnwrapped SpendView spend, Boolean paused,
                         List<String> pausedQueues) {

    public StatusView(Summary summary, SpendView spend) {
        this(summary, spend, null, null);
    }

    /** The counts and the spend with the store's pause ({@code TaskStore.flowSettings()}). */
    public static StatusView of(Summary summary, SpendView spend, FlowSettings flow) {
        List<String> pausedQueues = flow.queues().entrySet().stream()
                .filter(e -> e.getValue().paused())
                .map(java.util.Map.Entry::getKey)
                .toList();
        return new StatusView(summary, spend, flow.paused(), pausedQueues);
    }
}
