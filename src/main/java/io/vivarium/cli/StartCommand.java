package io.vivarium.cli;

import io.vivarium.api.client.RemoteGrinds;
import io.vivarium.config.Settings;
import io.vivarium.grind.GrindRunner;
import io.vivarium.spend.SpendStatus;
import io.vivarium.store.Snapshot;
import io.vivarium.store.TaskStore;
import io.vivarium.task.Scheduling;
import io.vivarium.task.StartRule;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import io.vivarium.task.TaskStatus;
import io.vivarium.worker.WorkerSettings;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.function.Function;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import io.vivarium.task.Budget;
import java.util.Locale;
import java.util.function.Function;

@Command(name = "start", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run N workers until no task is pending or running, or until the tasks left wait for "
                + "budget or for their time (run_at, a next occurrence), then print the status and when the next "
                + "task is due."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every task completed", "1:a task failed, was blocked or cancelled, or is left pending (not counting tasks waiting for their time)",
                "2:usage or input error", "3:stopped at the spend limit: the tasks left wait for budget"})
final class StartCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    WorkspaceOption workspace;

    @Mixin
    PoolOptions pool;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "N", defaultValue = "" + WorkerSettings.DEFAULT_WORKERS,
            description = "Number of parallel workers (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--dry-run", description = "List what would run, in order, and change nothing.")
    boolean dryRun;

    @Option(names = "--api-url", paramLabel = "URL",
            description = "Send each grind to a running server's POST /grind (e.g. http://127.0.0.1:8420).")
    String apiUrl;

    @Option(names = "--wait", description = "Also wait for tasks whose time has not come, until every task that does "
            + "not recur has finished.")
    boolean waitForScheduled;

    StartCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (workers < 1 || workers > WorkerSettings.MAX_WORKERS) {
            throw new UserInputException("N must be between 1 and " + WorkerSettings.MAX_WORKERS + " (got " + workers + ")");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (dryRun) {
            try (TaskStore store = workspace.openStore(context.clock(), pool.storeSettings())) {
                return dryRun(out, store);
            }
        }
        PoolRun run = new PoolRun(workspace, context.clock(), pool, grinds(), workers, 0, waitForScheduled, out,
                spec.commandLine().getErr());
        run.run();
        TaskStore store = run.store();
        out.println();
        StatusReport report = StatusReport.of(store, run.spendLimit(), run.lease(), context.clock());
        report.print(out, workspace.location().describe());
        if (run.pool().stoppedAtSpendLimit()) {
            out.println();
            out.println(atSpendLimit(report.spend()));
            return Cli.SPEND_LIMIT_REACHED;
        }
        Summary summary = report.summary();
        // Tasks that wait for their time are not failures: the batch ran what was due.
        TimeReport time = TimeReport.of(store, context.clock().instant());
        if (time.next() != null) {
            out.println();
            time.print(out);
        }
        // The batch stopped with tasks pending: when some wait for their time, the rest wait behind them.
        boolean onlyLaterWork = summary.pending() == 0 || time.waiting() > 0;
        return summary.completed() + summary.pending() == summary.totalTasks() && onlyLaterWork ? Cli.OK
                : Cli.TASKS_FAILED;
    }

    /** Here, or on the server {@code --api-url} names. */
    private Function<TaskStore, GrindRunner> grinds() {
        Settings settings = context.settings(workspace.path());
        if (apiUrl == null) {
            return store -> CliEnvironment.grinds(workspace.path(), settings, pool, store);
        }
        GrindRunner remote = remoteGrinds(settings.get(CliEnvironment.API_TOKEN));
        return store -> remote;
    }

    private RemoteGrinds remoteGrinds(String token) {
        URI uri;
        try {
            uri = new URI(apiUrl);
        } catch (URISyntaxException e) {
            throw new UserInputException("--api-url is not a URL: " + apiUrl);
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new UserInputException("--api-url must be an http(s) URL such as http://127.0.0.1:8420 (got " + apiUrl + ")");
        }
        return new RemoteGrinds(uri, token);
    }

    /** Why the run stopped with work left, and what would let it go on. */
    static String atSpendLimit(SpendStatus spend) {
        return "Stopped at the spend limit: " + spend.waitingForBudget()
                + (spend.waitingForBudget() == 1 ? " task waits" : " tasks wait") + " for budget. Raise the limit ('vivarium limit set "
                + "DOLLARS'" + (spend.processLimit().isPresent() ? " or --spend-limit" : "") + ") and run again.";
    }

    private int dryRun(PrintWriter out, TaskStore store) {
        Snapshot snapshot = store.snapshot();
        SpendStatus spend = store.spend(pool.spendLimit());
        // Each on its own against the ledger as it is: what fits now, before any of them reserves.
        StartRule.Context now = new StartRule.Context(context.clock().instant(), spend.ledger().room(pool.spendLimit()),
                store.flow());
        List<Task> runnable = Scheduling.runnable(snapshot.tasks(), snapshot.runs()::get, now);
        out.printf("Would run now, in this order (%d worker%s):%n", workers, workers == 1 ? "" : "s");
        if (runnable.isEmpty()) {
            out.println("  nothing");
        }
        for (Task task : runnable) {
            out.printf("  %-24s %-6s priority, %s grind, $%s-$%s, intensity %s%n", task.id(), task.priority(),
                    task.kind().name().toLowerCase(Locale.ROOT), Budget.format(task.minBudget()),
                    Budget.format(task.maxBudget()), task.intensity());
        }
        List<Task> waiting = snapshot.tasks().stream()
                .filter(t -> snapshot.statusOf(t.id()) == TaskStatus.PENDING && !runnable.contains(t))
                .toList();
        if (!waiting.isEmpty()) {
            out.println("Waiting (dependencies, time, retry backoff, pause, queue limits or budget):");
            Function<String, TaskStatus> statusOf = Scheduling.statusOf(snapshot.tasks(), snapshot.runs()::get);
            waiting.forEach(t -> out.printf("  %-24s %s%n", t.id(), switch (StartRule.check(t, snapshot.runs()
                    .get(t.id()), statusOf, now).reason()) {
                case BUDGET -> "waits for budget: needs $" + Budget.format(t.maxBudget()) + " of the limit";
                case BACKOFF -> "waits out a retry backoff";
                case SCHEDULED, PAUSED, QUEUE_LIMIT ->
                        StartRule.check(t, snapshot.runs().get(t.id()), statusOf, now).detail();
                default -> "depends on " + String.join(", ", t.dependsOn());
            }));
        }
        out.println(StatusReport.spendLine(spend));
        Summary s = snapshot.summary();
        out.printf("Already: %d completed, %d failed, %d in progress, %d blocked, %d cancelled%n",
                s.completed(), s.failed(), s.inProgress(), s.blocked(), s.cancelled());
        return Cli.OK;
    }

}
