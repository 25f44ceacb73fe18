package io.vivarium.cli;

import io.vivarium.code.review.PatchColours;
import io.vivarium.code.review.Reviews;
import io.vivarium.store.TaskEntry;
import io.vivarium.store.TaskStore;
import io.vivarium.task.Budget;
import io.vivarium.task.CodeRun;
import io.vivarium.task.TaskRun;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The review verbs: what waits, its diff, accept, reject. Only {@code accept} touches the user's tree. */
final class ReviewCommands {

    private ReviewCommands() {
    }

    @Command(name = "review", mixinStandardHelpOptions = true,
            description = "List the code grinds' changes waiting for review.")
    static final class Waiting implements Callable<Integer> {
        private final CliContext context;
        @Mixin WorkspaceOption workspace;
        @Spec CommandSpec spec;

        Waiting(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (TaskStore store = workspace.openStore(context.clock())) {
                List<TaskEntry> waiting = new Reviews(store, workspace.path()).waiting();
                if (waiting.isEmpty()) {
                    out.println("No changes wait for review.");
                    return Cli.OK;
                }
                out.printf("%d change%s wait%s for review:%n", waiting.size(), waiting.size() == 1 ? "" : "s",
                        waiting.size() == 1 ? "s" : "");
                for (TaskEntry e : waiting) {
                    out.println("  " + line(e));
                }
                out.println("See one with 'diff ID'; then 'accept ID' or 'reject ID [--retry] [--feedback TEXT]'.");
            }
            return Cli.OK;
        }

        private static String line(TaskEntry e) {
            TaskRun run = e.run();
            CodeRun code = run.code();
            String changes = code.changes() == null ? "" : String.format(Locale.ROOT, "%d file%s +%d -%d",
                    code.changes().files(), code.changes().files() == 1 ? "" : "s", code.changes().insertions(),
                    code.changes().deletions());
            String check = code.check() == null || code.check().command() == null ? "no check"
                    : "check passed (" + code.check().command() + ")";
            return String.format(Locale.ROOT, "%-20s %-24s %s; %s; $%s%s", e.task().id(), code.branch(), changes,
                    check, Budget.format(run.spentOrZero()),
                    e.task().description() == null ? "" : " — " + e.task().description());
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true, description = "Print a code grind's change as a patch.")
    static final class Diff implements Callable<Integer> {
        private final CliContext context;
        @Mixin WorkspaceOption workspace;
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ID", description = "The task whose change to show.") String id;
        @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
                description = "always, never or auto (colours on a terminal, as git does).") String color;

        Diff(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            try (TaskStore store = workspace.openStore(context.clock())) {
                String patch = new Reviews(store, workspace.path()).patch(id);
                boolean colour = switch (color.toLowerCase(Locale.ROOT)) {
                    case "always" -> true;
                    case "never" -> false;
                    case "auto" -> System.console() != null;
                    default -> throw new UserInputException("--color is always, never or auto (got " + color + ")");
                };
                spec.commandLine().getOut().print(colour ? PatchColours.colour(patch) : patch);
                spec.commandLine().getOut().flush();
            }
            return Cli.OK;
        }
    }

    @Command(name = "accept", mixinStandardHelpOptions = true,
            description = "Bring a code grind's change into the workspace's current branch (a merge commit).")
    static final class Accept implements Callable<Integer> {
        private final CliContext context;
        @Mixin WorkspaceOption workspace;
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ID", description = "The task whose change to accept.") String id;

        Accept(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            try (TaskStore store = workspace.openStore(context.clock())) {
                Reviews.Accepted accepted = new Reviews(store, workspace.path()).accept(id);
                spec.commandLine().getOut().printf("Accepted %s: %s merged into %s as %s%n", id, accepted.branch(),
                        accepted.into(), accepted.commit().substring(0, 12));
            }
            return Cli.OK;
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = "Drop a code grind's change, or run the task again with --retry (and --feedback).")
    static final class Reject implements Callable<Integer> {
        private final CliContext context;
        @Mixin WorkspaceOption workspace;
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ID", description = "The task whose change to reject.") String id;
        @Option(names = "--retry", description = "Run the task again; its next attempt starts fresh.") boolean retry;
        @Option(names = "--feedback", paramLabel = "TEXT",
                description = "What the next attempt is told about this change (with --retry).") String feedback;

        Reject(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            if (feedback != null && !retry) {
                throw new UserInputException("--feedback goes to the next attempt: add --retry");
            }
            try (TaskStore store = workspace.openStore(context.clock())) {
                new Reviews(store, workspace.path()).reject(id, retry, feedback);
                spec.commandLine().getOut().printf("Rejected %s%s%n", id,
                        retry ? "; it runs again" + (feedback == null ? "" : " with your feedback") : "");
            }
            return Cli.OK;
        }
    }
}
