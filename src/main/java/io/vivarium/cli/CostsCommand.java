package io.vivarium.cli;

import io.vivarium.llm.LlmSettings;
import io.vivarium.spend.CostReport;
import io.vivarium.spend.SpendStatus;
import io.vivarium.store.Snapshot;
import io.vivarium.store.TaskStore;
import io.vivarium.store.WorkspaceJson;
import io.vivarium.task.Budget;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "costs", mixinStandardHelpOptions = true,
        description = {"Where the money went: spend by day, by intensity and by kind of grind, the tokens of prompt "
                + "grinds and their price, and the ten most expensive tasks.",
                "Every attempt counts, retried ones included."})
final class CostsCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    WorkspaceOption workspace;

    @Mixin
    SpendLimitOption spend;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the report as JSON, as GET /costs answers it.")
    boolean json;

    CostsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        LlmSettings llm = CliEnvironment.llm(context.settings(workspace.path()));
        try (TaskStore store = workspace.openStore(context.clock())) {
            Snapshot snapshot = store.snapshot();
            SpendStatus status = store.spend(spend.limit());
            CostReport report = CostReport.of(snapshot.tasks(), snapshot.runs()::get, status,
                    llm.inputDollarsPerMillion(), llm.outputDollarsPerMillion());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(WorkspaceJson.mapper().writeValueAsString(report));
            } else {
                print(out, report, status);
            }
            return Cli.OK;
        }
    }

    private void print(PrintWriter out, CostReport report, SpendStatus status) {
        out.printf("Vivarium costs: %s%n", workspace.location().describe());
        out.println("  " + StatusReport.spendLine(status));
        out.println();
        out.println("By day (UTC):" + (report.byDay().isEmpty() ? " nothing spent" : ""));
        report.byDay().forEach(day -> out.printf("  %s  %10s%n", day.day(), money(day.spent())));
        printGroups(out, "By intensity:", report.byIntensity());
        printGroups(out, "By kind of grind:", report.byKind());
        CostReport.Tokens t = report.tokens();
        out.println();
        out.println("Tokens of prompt grinds:");
        out.printf(Locale.ROOT, "  in   %,12d at $%s per 1M = %s%n", t.input(), Budget.format(t.inputPricePerMillion()),
                money(t.inputCost()));
        out.printf(Locale.ROOT, "  out  %,12d at $%s per 1M = %s%n", t.output(),
                Budget.format(t.outputPricePerMillion()), money(t.outputCost()));
        out.println();
        out.println("Most expensive tasks:" + (report.topTasks().isEmpty() ? " none" : ""));
        report.topTasks().forEach(task -> out.printf("  %-24s %10s  (%d attempt%s, %s, %s, %s grind, cap $%s)%n",
                task.id(), money(task.spent()), task.attempts(), task.attempts() == 1 ? "" : "s",
                task.status().wireName(), task.intensity(), task.kind(), Budget.format(task.maxBudget())));
    }

    private static void printGroups(PrintWriter out, String heading, Map<String, CostReport.Group> groups) {
        out.println();
        out.println(heading);
        groups.forEach((name, group) -> out.printf("  %-8s %10s  (%d task%s)%n", name, money(group.spent()),
                group.tasks(), group.tasks() == 1 ? "" : "s"));
    }

    private static String money(double dollars) {
        return "$" + Budget.format(dollars);
    }
}
