package io.vivarium.cli;

import io.vivarium.store.Snapshot;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.store.postgres.PostgresTaskStore;
import io.vivarium.task.Summary;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Moves a workspace's queue up to PostgreSQL: every task and every run entry, as the files hold them. A copy, so
 * nothing is lost if anything goes wrong: the files stay as they were until the user removes them.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Copy the workspace's queue.json and execution_log.json (every task, state and result) into "
                + "an empty PostgreSQL database, for workers on many machines. The files are left unchanged.",
                "Stop the workers first; afterwards pass --store URL (or set VIVARIUM_STORE_URL) on every command."})
final class ExportCommand implements Callable<Integer> {

    private final CliContext context;

    @Option(names = {"-w", "--workspace"}, paramLabel = "DIR", defaultValue = "${VIVARIUM_WORKSPACE:-.}",
            description = "Workspace whose files are exported (default: $VIVARIUM_WORKSPACE or the current directory).")
    Path workspace;

    @Option(names = "--to", paramLabel = "URL", required = true,
            description = "The database: postgresql://HOST:PORT/DB?user=U&password=P. Its queue must be empty.")
    String target;

    @Spec
    CommandSpec spec;

    ExportCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        StoreLocation files = StoreLocation.files(workspace);
        StoreLocation database = StoreLocation.of(files.workspace(), target);
        if (!database.isDatabase()) {
            throw new UserInputException("--to must name a PostgreSQL database");
        }
        Snapshot snapshot;
        try (TaskStore source = TaskStores.open(files, context.clock(), StoreSettings.defaults())) {
            snapshot = source.snapshot();
        }
        Summary summary;
        try (PostgresTaskStore destination = PostgresTaskStore.open(database, context.clock(), StoreSettings.defaults())) {
            destination.load(snapshot);
            summary = destination.summary();
        }
        spec.commandLine().getOut().printf("Exported %d task%s (%d completed, %d pending, %d failed, %d blocked,"
                        + " %d cancelled) from %s to %s%nThe workspace files are unchanged. From now on pass --store"
                        + " with that URL, or set VIVARIUM_STORE_URL.%n",
                summary.totalTasks(), summary.totalTasks() == 1 ? "" : "s", summary.completed(), summary.pending(),
                summary.failed(), summary.blocked(), summary.cancelled(), files.describe(), database.describe());
        return Cli.OK;
    }
}
