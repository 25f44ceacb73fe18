package io.vivarium.spend;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.vivarium.task.Money;
import java.util.OptionalLong;

/**
 * The spend as {@code status --json}, {@code GET /status} and {@code GET /limit} show it, in dollars.
 * {@code spend_limit} is the ceiling in effect for the process that answers (null: none), the smaller of
 * {@code workspace_limit} (kept in the store, {@code limit set}) and {@code process_limit} ({@code --spend-limit});
 * {@code left} is what new claims may still reserve under it.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"spent", "reserved", "spend_limit", "workspace_limit", "process_limit", "left",
        "waiting_for_budget"})
public record SpendView(double spent, double reserved, Double spendLimit, Double workspaceLimit,
                        Double processLimit, Double left, long waitingForBudget) {

    static SpendView of(SpendStatus status) {
        SpendLedger ledger = status.ledger();
        OptionalLong room = ledger.room(status.processLimit());
        return new SpendView(ledger.spent(), ledger.reserved(),
                status.ceiling().map(SpendLimit::dollars).orElse(null),
                ledger.limit().map(SpendLimit::dollars).orElse(null),
                status.processLimit().map(SpendLimit::dollars).orElse(null),
                room.isPresent() ? Money.dollars(room.getAsLong()) : null,
                status.waitingForBudget());
    }
}
