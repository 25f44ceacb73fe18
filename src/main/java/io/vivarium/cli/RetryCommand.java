package io.vivarium.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "retry", mixinStandardHelpOptions = true,
        description = "Reset tasks to pending with fresh attempts; tasks they blocked become pending too.")
final class RetryCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    WorkspaceOption workspace;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "ID", description = "Tasks to retry (failed, cancelled, blocked or completed).")
    List<String> ids;

    @Option(names = "--failed", description = "Retry every failed task.")
    boolean failed;

    RetryCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        boolean hasIds = ids != null && !ids.isEmpty();
        if (hasIds == failed) {
            throw new UserInputException("give task ids or --failed (one of the two)");
        }
        var store = workspace.openStore(context.clock());
        List<String> retried = failed ? store.retryFailed() : store.retry(ids);
        spec.commandLine().getOut().println(retried.isEmpty()
                ? "Nothing to retry"
                : "Reset to pending: " + String.join(", ", retried));
        return Cli.OK;
    }
}
