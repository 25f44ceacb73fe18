package io.vivarium.cli;

import io.vivarium.app.QueueControl;
import io.vivarium.store.TaskStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pause} and {@code resume}: the whole workspace, for every process that shares it. */
final class PauseCommands {

    private PauseCommands() {
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = {"Start nothing new, in every process and host that shares the workspace, until resume.",
                    "Running grinds finish and are recorded; workers keep running and notice within a second."})
    static final class Pause implements Callable<Integer> {

        private final CliContext context;

        @Mixin
        WorkspaceOption workspace;

        @Spec
        CommandSpec spec;

        Pause(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            try (TaskStore store = workspace.openStore(context.clock())) {
                boolean was = store.flowSettings().paused();
                new QueueControl(store).pause();
                spec.commandLine().getOut().println(was ? "The workspace was already paused."
                        : "Paused " + workspace.location().describe() + ": nothing new starts until 'vivarium "
                        + "resume'; " + store.summary().inProgress() + " running grind(s) finish.");
                return Cli.OK;
            }
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Let tasks start again after 'vivarium pause', in every process that shares the workspace.")
    static final class Resume implements Callable<Integer> {

        private final CliContext context;

        @Mixin
        WorkspaceOption workspace;

        @Spec
        CommandSpec spec;

        Resume(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            try (TaskStore store = workspace.openStore(context.clock())) {
                boolean was = store.flowSettings().paused();
                new QueueControl(store).resume();
                spec.commandLine().getOut().println(was ? "Resumed " + workspace.location().describe() + "."
                        : "The workspace was not paused.");
                return Cli.OK;
            }
        }
    }
}
