package io.vivarium.app;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.vivarium.spend.SpendView;
import io.vivarium.task.Summary;

/**
 * What {@code status --json} and {@code GET /status} answer: the counts, then the spend ({@code spent},
 * {@code reserved}, {@code spend_limit}, …), flat in one object.
 */
public record StatusView(@JsonUnwrapped Summary summary, @JsonUnwrapped SpendView spend) {
}
