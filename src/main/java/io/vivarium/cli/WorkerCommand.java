package io.vivarium.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "worker", mixinStandardHelpOptions = true, description = "Run a single worker.",
        subcommands = WorkerCommand.Run.class)
final class WorkerCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: use 'worker run [N]'");
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"One worker: runs N tasks, or until no task is pending or running, or until the tasks "
                    + "left wait for budget."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:every task it ran completed", "1:a task it ran failed", "2:usage or input error",
                    "3:stopped at the spend limit: the tasks left wait for budget"})
    static final class Run implements Callable<Integer> {

        private final CliContext context;

        @Mixin
        WorkspaceOption workspace;

        @Mixin
        PoolOptions pool;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "N", defaultValue = "0",
                description = "Stop after this many tasks (default: no limit).")
        int maxTasks;

        Run(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws InterruptedException {
            if (maxTasks < 0) {
                throw new UserInputException("N must not be negative (got " + maxTasks + ")");
            }
            var settings = context.settings(workspace.path());
            PoolRun run = new PoolRun(workspace, context.clock(), pool,
                    store -> CliEnvironment.grinds(workspace.path(), settings, pool, store), 1, maxTasks,
                    spec.commandLine().getOut(), spec.commandLine().getErr());
            run.run();
            PoolRun.Counters c = run.counters();
            spec.commandLine().getOut().printf("%s ran %d task%s: %d completed, %d failed%s%n",
                    run.pool().identity().workerId(), c.completed.get() + c.failed.get(),
                    c.completed.get() + c.failed.get() == 1 ? "" : "s", c.completed.get(), c.failed.get(),
                    c.lost.get() == 0 ? "" : ", " + c.lost.get() + " not recorded (claim lost)");
            if (run.pool().stoppedAtSpendLimit()) {
                spec.commandLine().getOut().println(StartCommand.atSpendLimit(run.store().spend(run.spendLimit())));
                return Cli.SPEND_LIMIT_REACHED;
            }
            return c.failed.get() == 0 ? Cli.OK : Cli.TASKS_FAILED;
        }
    }
}
