package io.vivarium.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top command; its verbs are added by {@link Cli}, which builds only the one a command line names. */
@Command(name = "vivarium",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Vivarium: a parallel task runner. Budgeted grinds over a workspace of plain files.",
        footer = {"", "Run 'vivarium COMMAND --help' for a command's options.",
                "Exit codes: 0 ok, 1 task failures, 2 usage or input error, 3 stopped at the spend limit."})
public final class VivariumCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
