package io.vivarium.cli;

import io.vivarium.grind.TaskLogs;
import io.vivarium.task.Pruning;
import io.vivarium.task.TaskStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Remove finished tasks (definitions and entries) that nothing unfinished depends on; what they "
                + "spent stays in the spend ledger and in 'costs'.")
final class PruneCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    WorkspaceOption workspace;

    @Spec
    CommandSpec spec;

    @Option(names = "--older-than", paramLabel = "DURATION",
            description = "Only tasks that ended longer ago than this: 30s, 10m, 2h, 7d (default: any).")
    String olderThan;

    @Option(names = "--status", paramLabel = "S", split = ",",
            description = "Which finished states: completed, cancelled, failed (default: all three).")
    List<TaskStatus> statuses;

    PruneCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Instant before = olderThan == null ? null
                : context.clock().instant().minus(Pruning.age("older-than", olderThan));
        List<TaskStatus> asked = statuses == null ? new ArrayList<>(Pruning.PRUNABLE) : statuses;
        List<String> gone = workspace.openStore(context.clock()).prune(Pruning.check(asked), before);
        TaskLogs logs = new TaskLogs(workspace.path());
        for (String id : gone) {
            try {
                logs.remove(id);
            } catch (IOException e) {
                // a log that cannot be removed is only disk space; the task is gone
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(gone.isEmpty() ? "Nothing to prune." : "Pruned " + gone.size() + " task"
                + (gone.size() == 1 ? "" : "s") + ": " + String.join(", ", gone.size() > 20
                ? gone.subList(0, 20) : gone) + (gone.size() > 20 ? ", …" : ""));
        return Cli.OK;
    }
}
