package io.vivarium.cli;

import io.vivarium.app.QueueControl;
import io.vivarium.app.QueuesView;
import io.vivarium.store.QueueStatus;
import io.vivarium.store.TaskStore;
import io.vivarium.store.WorkspaceJson;
import io.vivarium.task.QueueLimits;
import io.vivarium.task.Rate;
import io.vivarium.task.Summary;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Queues and their limits, kept in the workspace for every process that shares it. Alone, {@code queue} lists them.
 */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = {"List queues, set their limits, pause and resume them.",
                "A task runs in the queue named by 'add --queue' (default: llm for a --prompt grind, else default). "
                        + "Limits live in the workspace: every process and host that shares it obeys them, checked "
                        + "in the same write as each claim."},
        subcommands = {QueueCommand.ListQueues.class, QueueCommand.Set.class, QueueCommand.Pause.class,
                QueueCommand.Resume.class})
final class QueueCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    WorkspaceOption workspace;

    @Spec
    CommandSpec spec;

    QueueCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        return list(context, workspace, spec, false);
    }

    static int list(CliContext context, WorkspaceOption workspace, CommandSpec spec, boolean json) {
        try (TaskStore store = workspace.openStore(context.clock())) {
            QueuesView view = new QueueControl(store).view();
            List<QueueStatus> queues = view.queues();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(WorkspaceJson.mapper().writeValueAsString(view));
                return Cli.OK;
            }
            if (view.paused()) {
                out.println("The workspace is paused: nothing new starts anywhere (vivarium resume).");
            }
            int width = Math.max(5, queues.stream().mapToInt(q -> q.name().length()).max().orElse(5));
            String row = "%-" + width + "s  %7s  %7s  %9s  %6s  %11s  %-10s  %s%n";
            out.printf(row, "QUEUE", "PENDING", "RUNNING", "COMPLETED", "FAILED", "CONCURRENCY", "RATE", "STATE");
            for (QueueStatus q : queues) {
                Summary t = q.tasks();
                QueueLimits limits = q.limits();
                out.printf(row, q.name(), t.pending(), t.inProgress(), t.completed(), t.failed() + t.blocked(),
                        limits.concurrency() == null ? "-" : limits.concurrency(),
                        limits.rate() == null ? "-" : limits.rate(),
                        limits.paused() ? "paused" : view.paused() ? "paused (workspace)" : "running");
            }
            return Cli.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Each queue: its tasks by state, what runs now, its limits, paused or not.")
    static final class ListQueues implements Callable<Integer> {

        private final CliContext context;

        @Mixin
        WorkspaceOption workspace;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print the workspace's pause and the queues as JSON, as GET /queues.")
        boolean json;

        ListQueues(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            return list(context, workspace, spec, json);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Set a queue's limits, for every process that shares the workspace.",
                    "What you do not name stays as it was; 'none' removes a limit. Running grinds finish either way."})
    static final class Set implements Callable<Integer> {

        private final CliContext context;

        @Mixin
        WorkspaceOption workspace;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "The queue (it need not hold tasks yet).")
        String name;

        @Option(names = "--concurrency", paramLabel = "N",
                description = "At most N of its tasks run at once, across every process and host; 'none' lifts it.")
        String concurrency;

        @Option(names = "--rate", paramLabel = "N/PERIOD",
                description = "At most N starts in any PERIOD: 3/s, 60/min, 100/h, 5/10s; 'none' lifts it.")
        String rate;

        Set(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            if (concurrency == null && rate == null) {
                throw new UserInputException("name a limit to set: --concurrency N or --rate N/PERIOD");
            }
            // Read before the store is opened: bad input changes nothing.
            QueueControl.Change<Integer> newConcurrency = concurrency == null ? QueueControl.Change.keep()
                    : QueueControl.concurrency(concurrency);
            QueueControl.Change<Rate> newRate = rate == null ? QueueControl.Change.keep() : QueueControl.rate(rate);
            try (TaskStore store = workspace.openStore(context.clock())) {
                QueueLimits set = new QueueControl(store).set(name, newConcurrency, newRate).limits();
                spec.commandLine().getOut().printf("Queue %s: concurrency %s, rate %s%s, for every process that "
                                + "shares %s%n", name, set.concurrency() == null ? "unlimited" : set.concurrency(),
                        set.rate() == null ? "unlimited" : set.rate(), set.paused() ? " (paused)" : "",
                        workspace.location().describe());
                return Cli.OK;
            }
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Start none of a queue's tasks until it is resumed; its running grinds finish.")
    static final class Pause implements Callable<Integer> {

        private final CliContext context;

        @Mixin
        WorkspaceOption workspace;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "The queue (it need not hold tasks yet).")
        String name;

        Pause(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            try (TaskStore store = workspace.openStore(context.clock())) {
                new QueueControl(store).pauseQueue(name);
                spec.commandLine().getOut().printf("Queue %s paused: none of its tasks starts until 'vivarium "
                        + "queue resume %s'; running ones finish.%n", name, name);
                return Cli.OK;
            }
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Let a paused queue's tasks start again.")
    static final class Resume implements Callable<Integer> {

        private final CliContext context;

        @Mixin
        WorkspaceOption workspace;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "The queue.")
        String name;

        Resume(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            try (TaskStore store = workspace.openStore(context.clock())) {
                QueueControl control = new QueueControl(store);
                boolean wasPaused = store.flowSettings().of(name).paused();
                QueueStatus after = control.resumeQueue(name);
                PrintWriter out = spec.commandLine().getOut();
                out.println(wasPaused ? "Queue " + name + " resumed." : "Queue " + name + " was not paused.");
                if (after.paused()) {
                    out.println("The whole workspace is still paused (vivarium resume).");
                }
                return Cli.OK;
            }
        }
    }
}
