package io.vivarium.spend;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.vivarium.task.Intensity;
import io.vivarium.task.Money;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Where the money went, for {@code vivarium costs} and {@code GET /costs}: the ledger's figures, spend by UTC day
 * (from the ledger), by intensity and by kind of grind (from each task's {@code spent}, every attempt included), the
 * tokens prompt grinds sent and got back with what they come to at the configured prices, and the
 * {@value #TOP} most expensive tasks. The days, the intensities and the kinds each add up to {@code spent}.
 */
@JsonPropertyOrder({"spent", "reserved", "spend_limit", "by_day", "by_intensity", "by_kind", "tokens", "top_tasks"})
public record CostReport(double spent, double reserved, Double spendLimit, List<Day> byDay,
                         Map<String, Group> byIntensity, Map<String, Group> byKind, Tokens tokens,
                         List<TaskCost> topTasks) {

    public static final int TOP = 10;

    /** What was charged on one UTC day. */
    public record Day(String day, double spent) {
    }

    /** What the tasks of one intensity or kind cost, and how many of them cost anything. */
    public record Group(double spent, long tasks) {
    }

    /** Tokens in and out of prompt grinds, the configured prices per million, and what the tokens come to. */
    @JsonPropertyOrder({"input", "output", "input_price_per_million", "output_price_per_million", "input_cost",
            "output_cost"})
    public record Tokens(long input, long output, double inputPricePerMillion, double outputPricePerMillion,
                         double inputCost, double outputCost) {
    }

    public record TaskCost(String id, double spent, int attempts, TaskStatus status, Intensity intensity, String kind,
                           double maxBudget) {
    }

    /** The prices are dollars per million tokens, as the LLM is configured now. */
    public static CostReport of(List<Task> tasks, Function<String, TaskRun> runs, SpendStatus spend,
                                double inputPricePerMillion, double outputPricePerMillion) {
        Map<String, long[]> intensity = new LinkedHashMap<>();
        for (Intensity i : Intensity.values()) {
            intensity.put(i.wireName(), new long[2]);
        }
        Map<String, long[]> kind = new LinkedHashMap<>();
        for (Task.GrindKind k : Task.GrindKind.values()) {
            kind.put(kindName(k), new long[2]);
        }
        long tokensIn = 0;
        long tokensOut = 0;
        List<TaskCost> costly = new ArrayList<>();
        for (Task task : tasks) {
            TaskRun run = runs.apply(task.id());
            if (run == null || run.spentOrZero() == 0 && run.tokensInOrZero() == 0 && run.tokensOutOrZero() == 0) {
                continue;
            }
            long micros = Money.micros(run.spentOrZero());
            add(intensity.get(task.intensity().wireName()), micros);
            add(kind.get(kindName(task.kind())), micros);
            tokensIn += run.tokensInOrZero();
            tokensOut += run.tokensOutOrZero();
            if (micros > 0) {
                costly.add(new TaskCost(task.id(), run.spentOrZero(), run.attempts(), run.status(), task.intensity(),
                        kindName(task.kind()), task.maxBudget()));
            }
        }
        // A stable sort keeps queue order among equals.
        costly.sort(Comparator.comparingDouble(TaskCost::spent).reversed());
        List<Day> days = new ArrayList<>();
        spend.ledger().spentByDay().forEach((day, micros) -> days.add(new Day(day.toString(), Money.dollars(micros))));
        Tokens tokens = new Tokens(tokensIn, tokensOut, inputPricePerMillion, outputPricePerMillion,
                Money.round(tokensIn * inputPricePerMillion / 1e6), Money.round(tokensOut * outputPricePerMillion / 1e6));
        return new CostReport(spend.ledger().spent(), spend.ledger().reserved(),
                spend.ceiling().map(SpendLimit::dollars).orElse(null), days, groups(intensity), groups(kind), tokens,
                List.copyOf(costly.subList(0, Math.min(TOP, costly.size()))));
    }

    private static String kindName(Task.GrindKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static void add(long[] group, long micros) {
        group[0] += micros;
        if (micros > 0) {
            group[1]++;
        }
    }

    private static Map<String, Group> groups(Map<String, long[]> sums) {
        Map<String, Group> groups = new LinkedHashMap<>();
        sums.forEach((name, sum) -> groups.put(name, new Group(Money.dollars(sum[0]), sum[1])));
        return groups;
    }
}
