package io.vivarium.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "vivarium",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Vivarium: a parallel task runner. Budgeted grinds over a workspace of plain files.",
        subcommands = {
                ServeCommand.class,
                AddCommand.class,
                StartCommand.class,
                WorkerCommand.class,
                StatusCommand.class,
                PlanCommand.class,
                RetryCommand.class,
                CancelCommand.class,
                ClearCommand.class,
                MoveCommands.Import.class,
                MoveCommands.Export.class,
                AutoComplete.GenerateCompletion.class
        },
        footer = {"", "Run 'vivarium COMMAND --help' for a command's options.",
                "Exit codes: 0 ok, 1 task failures, 2 usage or input error."})
public final class VivariumCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
