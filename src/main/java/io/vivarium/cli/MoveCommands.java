package io.vivarium.cli;

import io.vivarium.store.Snapshot;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.store.StoreSettings;
import io.vivarium.task.FlowSettings;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code import} and {@code export}: move a queue, with its whole history, between the workspace's files and the
 * database named by {@code --store}. The target must be empty, so nothing is ever overwritten.
 */
final class MoveCommands {

    private MoveCommands() {
    }

    /** What both verbs share: the workspace and database they name, and the copy itself. */
    abstract static class Move implements Callable<Integer> {

        private final CliContext context;

        @Mixin
        WorkspaceOption workspace;

        @Spec
        CommandSpec spec;

        Move(CliContext context) {
            this.context = context;
        }

        /** Copies from the first location to the second. */
        abstract StoreLocation[] direction(StoreLocation files, StoreLocation database);

        @Override
        public Integer call() {
            StoreLocation[] way = direction(StoreLocation.files(workspace.path()), requireDatabase(workspace));
            return move(way[0], way[1], context, spec.commandLine().getOut());
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Copy the workspace's queue.json and execution_log.json into the --store database.",
                    "The database must hold no tasks; nothing may be in progress. The files are left as they are."})
    static final class Import extends Move {

        Import(CliContext context) {
            super(context);
        }

        @Override
        StoreLocation[] direction(StoreLocation files, StoreLocation database) {
            return new StoreLocation[] {files, database};
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Copy the --store database's queue and history into the workspace's queue.json and "
                    + "execution_log.json.", "The workspace must hold no tasks; nothing may be in progress. The "
                    + "database is left as it is."})
    static final class Export extends Move {

        Export(CliContext context) {
            super(context);
        }

        @Override
        StoreLocation[] direction(StoreLocation files, StoreLocation database) {
            return new StoreLocation[] {database, files};
        }
    }

    private static StoreLocation requireDatabase(WorkspaceOption workspace) {
        StoreLocation location = workspace.location();
        if (!location.isDatabase()) {
            throw new UserInputException("name the database with --store postgresql://HOST:PORT/DB?user=U&password=P "
                    + "(or VIVARIUM_STORE_URL)");
        }
        if (!workspace.path().toFile().isDirectory()) {
            throw new UserInputException("workspace " + workspace.path() + " is not a directory");
        }
        return location;
    }

    private static int move(StoreLocation from, StoreLocation to, CliContext context, PrintWriter out) {
        try (TaskStore source = TaskStores.open(from, context.clock(), StoreSettings.defaults());
             TaskStore target = TaskStores.open(to, context.clock(), StoreSettings.defaults())) {
            Snapshot snapshot = source.snapshot();
            // The limits and the pause belong to the queue: a provider's rate or a paused workspace holds on the
            // other side too, or the first pool there would start everything at once.
            FlowSettings flow = source.flowSettings();
            target.load(snapshot);
            if (flow.isActive()) {
                target.changeFlow(current -> flow);
            }
            out.printf("Copied %d task%s and their history%s from %s to %s%n", snapshot.tasks().size(),
                    snapshot.tasks().size() == 1 ? "" : "s", flow.isActive() ? ", with the queues' limits and the pause"
                            : "", from.describe(), to.describe());
        }
        return Cli.OK;
    }
}
