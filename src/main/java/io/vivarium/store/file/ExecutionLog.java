package io.vivarium.store.file;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.vivarium.spend.SpendLedger;
import io.vivarium.spend.SpendLimit;
import io.vivarium.task.Money;
import io.vivarium.task.Summary;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code execution_log.json}: each task's run state, plus a summary that is recomputed from the entries on every
 * write so the two can never disagree within the file. The spend ledger ({@code spend_limit}, {@code spent},
 * {@code reserved}, {@code spent_by_day}) sits beside them at the top level, among the fields older readers keep
 * without knowing them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"version", "revision", "tasks", "swarm_summary"})
record ExecutionLog(String version, Long revision, Map<String, TaskRun> tasks, Summary swarmSummary,
                    @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) implements JsonFile.Revisioned<ExecutionLog> {

    ExecutionLog {
        version = FormatVersion.check(version);
        revision = revision == null ? 0L : revision;
        tasks = tasks == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
        extra = extra == null || extra.isEmpty() ? Map.of() : new LinkedHashMap<>(extra);
        spendIn(extra); // a hand-edited ledger that cannot be read is a corrupt file, reported and left alone
        QueueStarts.read(extra); // so are a rate's starts
    }

    static ExecutionLog empty() {
        return new ExecutionLog(null, 0L, Map.of(), null, Map.of());
    }

    /** The log with these entries and a summary of them over {@code queue}. */
    ExecutionLog with(Map<String, TaskRun> entries, QueueDocument queue) {
        Map<String, TaskStatus> legacy = queue.legacyStatuses();
        Summary summary = Summary.of(queue.tasks(), id -> runOf(entries, legacy, id));
        return new ExecutionLog(version, revision, entries, summary, extra);
    }

    ExecutionLog summarizedOver(QueueDocument queue) {
        return with(tasks, queue);
    }

    ExecutionLog cleared(QueueDocument emptyQueue) {
        return new ExecutionLog(version, revision, Map.of(), null, extra).summarizedOver(emptyQueue);
    }

    // --- the spend ledger: top-level fields beside the entries, written in the same atomic replace ---

    private static final String SPEND_LIMIT = "spend_limit";
    private static final String SPENT = "spent";
    private static final String RESERVED = "reserved";
    private static final String SPENT_BY_DAY = "spent_by_day";

    /** The ledger this log keeps, or empty when it was written before spend was kept. */
    Optional<SpendLedger> spend() {
        return spendIn(extra);
    }

    ExecutionLog withSpend(SpendLedger ledger) {
        Map<String, Object> fields = new LinkedHashMap<>(extra);
        fields.putAll(spendFields(ledger));
        if (ledger.limit().isEmpty()) {
            fields.remove(SPEND_LIMIT);
        }
        return new ExecutionLog(version, revision, tasks, swarmSummary, fields);
    }

    /** The ledger as the log's top-level fields (and a journal line's {@code spend}). */
    static Map<String, Object> spendFields(SpendLedger ledger) {
        Map<String, Object> fields = new LinkedHashMap<>();
        ledger.limit().ifPresent(limit -> fields.put(SPEND_LIMIT, limit.dollars()));
        fields.put(SPENT, ledger.spent());
        fields.put(RESERVED, ledger.reserved());
        Map<String, Double> days = new LinkedHashMap<>();
        ledger.spentByDay().forEach((day, micros) -> days.put(day.toString(), Money.dollars(micros)));
        fields.put(SPENT_BY_DAY, days);
        return fields;
    }

    /** The ledger kept in these fields, if they keep one. */
    static Optional<SpendLedger> spendOf(Map<String, Object> fields) {
        return spendIn(fields);
    }

    private static Optional<SpendLedger> spendIn(Map<String, Object> fields) {
        if (!fields.containsKey(SPENT) && !fields.containsKey(RESERVED) && !fields.containsKey(SPEND_LIMIT)
                && !fields.containsKey(SPENT_BY_DAY)) {
            return Optional.empty();
        }
        Object limit = fields.get(SPEND_LIMIT);
        TreeMap<LocalDate, Long> days = new TreeMap<>();
        if (fields.get(SPENT_BY_DAY) instanceof Map<?, ?> byDay) {
            byDay.forEach((day, dollars) -> days.put(day(day), micros(SPENT_BY_DAY + "." + day, dollars)));
        } else if (fields.get(SPENT_BY_DAY) != null) {
            throw new IllegalArgumentException(SPENT_BY_DAY + " must be an object of days and dollars");
        }
        return Optional.of(new SpendLedger(
                limit == null ? Optional.empty() : Optional.of(new SpendLimit(micros(SPEND_LIMIT, limit))),
                micros(SPENT, fields.getOrDefault(SPENT, 0)), micros(RESERVED, fields.getOrDefault(RESERVED, 0)),
                days));
    }

    private static long micros(String field, Object dollars) {
        if (!(dollars instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() < 0) {
            throw new IllegalArgumentException(field + " must be a dollar amount of 0 or more (got " + dollars + ")");
        }
        return Money.micros(n.doubleValue());
    }

    private static LocalDate day(Object text) {
        try {
            return LocalDate.parse(String.valueOf(text));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(SPENT_BY_DAY + " must name days as YYYY-MM-DD (got " + text + ")");
        }
    }

    @Override
    public ExecutionLog withRevision(long next) {
        return new ExecutionLog(version, next, tasks, swarmSummary, extra);
    }

    /** Entries for every task that has one, the old queue format's lists filling the gaps. */
    Map<String, TaskRun> runsOver(QueueDocument queue) {
        Map<String, TaskRun> runs = new LinkedHashMap<>(tasks.size() * 2);
        runs.putAll(tasks);
        queue.legacyStatuses().forEach((id, status) -> runs.putIfAbsent(id, TaskRun.legacy(status)));
        return runs;
    }

    private static TaskRun runOf(Map<String, TaskRun> entries, Map<String, TaskStatus> legacyStatuses, String id) {
        TaskRun run = entries.get(id);
        if (run == null) {
            TaskStatus legacy = legacyStatuses.get(id);
            return legacy == null ? null : TaskRun.legacy(legacy);
        }
        return run;
    }
}
