package io.vivarium.cli;

import io.vivarium.spend.SpendLedger;
import io.vivarium.spend.SpendLimit;
import io.vivarium.spend.SpendStatus;
import io.vivarium.store.TaskStore;
import io.vivarium.task.Budget;
import io.vivarium.task.InvalidTaskException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The spend limit kept in the workspace (in {@code execution_log.json}, or in the database), which every process
 * that shares the workspace obeys. Alone, {@code limit} shows it.
 */
@Command(name = "limit", mixinStandardHelpOptions = true,
        description = {"Show, set or remove the spend limit kept in the workspace.",
                "Every process that shares the workspace obeys it: a task is claimed only while what has been spent "
                        + "and reserved leaves room for its max budget. A process's own --spend-limit applies too; "
                        + "the smaller wins."},
        subcommands = {LimitCommand.Show.class, LimitCommand.Set.class, LimitCommand.Clear.class})
final class LimitCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    WorkspaceOption workspace;

    @Mixin
    SpendLimitOption spend;

    @Spec
    CommandSpec spec;

    LimitCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        return show(context, workspace, spend, spec);
    }

    static int show(CliContext context, WorkspaceOption workspace, SpendLimitOption spend, CommandSpec spec) {
        Optional<SpendLimit> processLimit = spend.limit();
        try (TaskStore store = workspace.openStore(context.clock())) {
            SpendStatus status = store.spend(processLimit);
            PrintWriter out = spec.commandLine().getOut();
            SpendLedger ledger = status.ledger();
            out.println("Spend limit: " + ledger.limit().map(l -> "$" + l.plain() + ", kept in the workspace")
                    .orElse("none kept in the workspace"));
            processLimit.ifPresent(l -> out.println("This process's own: $" + l.plain() + " (--spend-limit or "
                    + "VIVARIUM_SPEND_LIMIT); in effect: $" + status.ceiling().orElseThrow().plain()));
            out.println(StatusReport.spendLine(status));
            ledger.room(processLimit).ifPresent(room ->
                    out.println("Left for new claims: $" + Budget.format(status.view().left())));
            return Cli.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show the limit, what was spent, what running tasks reserve, and what waits for budget.")
    static final class Show implements Callable<Integer> {

        private final CliContext context;

        @Mixin
        WorkspaceOption workspace;

        @Mixin
        SpendLimitOption spend;

        @Spec
        CommandSpec spec;

        Show(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            return show(context, workspace, spend, spec);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Keep a spend limit in the workspace, for every process that shares it.",
                    "Tasks already running finish; a limit below what is spent and reserved only stops new claims."})
    static final class Set implements Callable<Integer> {

        private final CliContext context;

        @Mixin
        WorkspaceOption workspace;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DOLLARS",
                description = "The limit in dollars, such as 5.00 (0 lets nothing new start).")
        String dollars;

        Set(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            SpendLimit limit;
            try {
                limit = SpendLimit.parse("DOLLARS", dollars);
            } catch (InvalidTaskException e) {
                throw new UserInputException(e.getMessage());
            }
            try (TaskStore store = workspace.openStore(context.clock())) {
                SpendLedger ledger = store.limitSpend(Optional.of(limit));
                spec.commandLine().getOut().printf("Spend limit set to $%s for every process that shares %s "
                                + "(spent $%s, reserved $%s)%n", limit.plain(), workspace.location().describe(),
                        Budget.format(ledger.spent()), Budget.format(ledger.reserved()));
                return Cli.OK;
            }
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true,
            description = "Remove the spend limit kept in the workspace; what was spent is kept.")
    static final class Clear implements Callable<Integer> {

        private final CliContext context;

        @Mixin
        WorkspaceOption workspace;

        @Spec
        CommandSpec spec;

        Clear(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            try (TaskStore store = workspace.openStore(context.clock())) {
                SpendLedger ledger = store.limitSpend(Optional.empty());
                spec.commandLine().getOut().printf("Spend limit removed from %s (spent $%s stays)%n",
                        workspace.location().describe(), Budget.format(ledger.spent()));
                return Cli.OK;
            }
        }
    }
}
