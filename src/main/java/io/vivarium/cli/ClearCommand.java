package io.vivarium.cli;

import io.vivarium.store.TaskStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "clear", mixinStandardHelpOptions = true,
        description = {"Wipe the queue, the execution log and every claim in task_locks/.",
                "The spent figure starts again from 0; a spend limit kept in the workspace stays."})
final class ClearCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    WorkspaceOption workspace;

    @Spec
    CommandSpec spec;

    ClearCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        TaskStore.ClearResult result = workspace.openStore(context.clock()).clear();
        for (String aside : result.movedAside()) {
            spec.commandLine().getErr().printf("Could not read a workspace file: moved it aside to %s%n", aside);
        }
        spec.commandLine().getOut().printf("Cleared %d task%s and %d claim%s in %s%n",
                result.tasksRemoved(), result.tasksRemoved() == 1 ? "" : "s",
                result.claimsRemoved(), result.claimsRemoved() == 1 ? "" : "s", workspace.path());
        return Cli.OK;
    }
}
