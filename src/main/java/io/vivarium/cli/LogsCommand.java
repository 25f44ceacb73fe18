package io.vivarium.cli;

import io.vivarium.grind.TaskLogs;
import io.vivarium.store.TaskEntry;
import io.vivarium.store.TaskStore;
import io.vivarium.store.UnknownTaskException;
import io.vivarium.task.TaskStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print a grind's output: while it runs, as it is written; after, what its last attempt wrote.")
final class LogsCommand implements Callable<Integer> {

    private static final int MAX_BYTES = 4 * 1024 * 1024;

    private final CliContext context;

    @Mixin
    WorkspaceOption workspace;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The task whose output to print.")
    String id;

    @Option(names = {"-f", "--follow"},
            description = "Keep printing output as it is written until the grind ends (a pending task: until its "
                    + "next attempt ends).")
    boolean follow;

    LogsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        TaskStore store = workspace.openStore(context.clock());
        TaskEntry entry = store.find(id).orElseThrow(() -> new UnknownTaskException(id));
        TaskLogs logs = new TaskLogs(workspace.path());
        PrintWriter out = spec.commandLine().getOut();
        Utf8Chunks text = new Utf8Chunks();
        if (!follow) {
            if (logs.exists(id)) {
                out.print(text.decode(logs.read(id, MAX_BYTES)));
            } else if (entry.run().output() != null) {
                out.print(entry.run().output());
            }
            out.flush();
            return Cli.OK;
        }
        if (entry.status() != TaskStatus.IN_PROGRESS && entry.status() != TaskStatus.PENDING && !logs.exists(id)
                && entry.run().output() != null) {
            out.print(entry.run().output());
        }
        try {
            logs.followUntilEnd(id, entry.status(),
                    () -> store.find(id).map(TaskEntry::status).orElse(TaskStatus.CANCELLED), chunk -> {
                        out.print(text.decode(chunk));
                        out.flush();
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
        return Cli.OK;
    }
}
