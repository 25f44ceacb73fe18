package io.vivarium.cli;

import io.vivarium.spend.SpendLimit;
import io.vivarium.app.StatusView;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.WorkspaceJson;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the summary, the spend, failed tasks with their errors, and active claims.")
final class StatusCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    WorkspaceOption workspace;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Option(names = "--watch", description = "Refresh every --interval until interrupted (Ctrl-C).")
    boolean watch;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
            description = "Refresh interval for --watch (default: ${DEFAULT-VALUE}).")
    double interval;

    @Mixin
    SpendLimitOption spend;

    @Option(names = "--lease", paramLabel = "SECONDS", defaultValue = "${VIVARIUM_LEASE_SECONDS:-" + StoreSettings.DEFAULT_LEASE_SECONDS + "}",
            description = "Claims whose heartbeat is older than this are shown as stale (default: ${DEFAULT-VALUE}).")
    long leaseSeconds;

    StatusCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (interval <= 0 || !Double.isFinite(interval)) {
            throw new UserInputException("--interval must be greater than 0");
        }
        Optional<SpendLimit> processLimit = spend.limit();
        TaskStore store = workspace.openStore(context.clock());
        PrintWriter out = spec.commandLine().getOut();
        do {
            if (json) {
                StatusView view = StatusView.of(store.summary(), store.spend(processLimit).view(),
                        store.flowSettings());
                out.println(WorkspaceJson.mapper().writeValueAsString(view));
            } else {
                if (watch) {
                    out.print("\033[H\033[2J");
                }
                StatusReport.of(store, processLimit, Duration.ofSeconds(leaseSeconds), clock())
                        .print(out, workspace.location().describe());
                TimeReport time = TimeReport.of(store, clock().instant());
                if (time.next() != null) {
                    out.println();
                    time.print(out);
                }
            }
            out.flush();
            if (watch) {
                Thread.sleep((long) (interval * 1000));
            }
        } while (watch);
        return Cli.OK;
    }

    private Clock clock() {
        return context.clock();
    }
}
