package io.vivarium.cli;

import io.vivarium.task.TaskRun;
import java.util.concurrent.Callable;
import io.vivarium.worker.LocalGrinds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a task; a running grind is stopped wherever it runs and records nothing.")
final class CancelCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    WorkspaceOption workspace;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The task to cancel.")
    String id;

    CancelCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        var store = workspace.openStore(context.clock());
        TaskRun before = store.find(id).map(e -> e.run()).orElse(TaskRun.pending());
        LocalGrinds.end(store.cancel(id).endedClaim());
        spec.commandLine().getOut().printf("Cancelled %s (it was %s)%n", id, before.status());
        return Cli.OK;
    }
}
