package io.vivarium.cli;

import io.vivarium.store.TaskEntry;
import io.vivarium.store.TaskPage;
import io.vivarium.store.TaskQuery;
import io.vivarium.store.TaskStore;
import io.vivarium.store.WorkspaceJson;
import io.vivarium.story.TaskView;
import io.vivarium.task.Budget;
import io.vivarium.task.TaskStatus;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List tasks in queue order, filtered and paged as GET /tasks does.")
final class ListCommand implements Callable<Integer> {

    static final int MAX_LIMIT = 1000;
    private static final int DESCRIPTION_WIDTH = 60;

    private final CliContext context;

    @Mixin
    WorkspaceOption workspace;

    @Spec
    CommandSpec spec;

    @Option(names = "--status", paramLabel = "S",
            description = "Only tasks in this state: pending, in_progress, completed, failed, blocked, cancelled.")
    TaskStatus status;

    @Option(names = {"-q", "--search"}, paramLabel = "TEXT",
            description = "Only tasks whose id or description holds TEXT (any case).")
    String text;

    @Option(names = "--queue", paramLabel = "Q", description = "Only tasks of queue Q (see vivarium queue).")
    String queue;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
            description = "At most N tasks, 1 to " + MAX_LIMIT + " (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0",
            description = "Skip the first N matches (default: ${DEFAULT-VALUE}).")
    int offset;

    @Option(names = "--json", description = "Print the page as a JSON array, as GET /tasks answers it.")
    boolean json;

    ListCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new UserInputException("--limit must be between 1 and " + MAX_LIMIT + " (got " + limit + ")");
        }
        if (offset < 0) {
            throw new UserInputException("--offset must be 0 or more (got " + offset + ")");
        }
        TaskQuery query = new TaskQuery(status, text, offset, limit, queue);
        TaskStore store = workspace.openStore(context.clock());
        TaskPage page = store.query(query);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(WorkspaceJson.mapper().writeValueAsString(page.items().stream()
                    .map(entry -> new TaskView(entry.task(), entry.status(), entry.run())).toList()));
            return Cli.OK;
        }
        if (page.items().isEmpty()) {
            out.println(page.total() == 0 ? "No tasks match." : "No tasks past --offset " + offset
                    + " (" + page.total() + " match).");
            return Cli.OK;
        }
        int idWidth = Math.max(2, page.items().stream().mapToInt(e -> e.id().length()).max().orElse(2));
        int queueWidth = Math.max(5, page.items().stream().mapToInt(e -> e.task().queueName().length()).max()
                .orElse(5));
        String row = "%-" + idWidth + "s  %-11s  %-" + queueWidth + "s  %-8s  %8s  %9s  %s%n";
        out.printf(row, "ID", "STATUS", "QUEUE", "PRIORITY", "ATTEMPTS", "SPENT", "DESCRIPTION");
        for (TaskEntry entry : page.items()) {
            out.printf(row, entry.id(), entry.status().wireName(), entry.task().queueName(),
                    entry.task().priority().wireName(),
                    entry.run().attempts() + "/" + entry.task().maxAttempts(),
                    "$" + Budget.format(entry.run().spentOrZero()), oneLine(entry.task().description()));
        }
        long last = offset + page.items().size();
        out.printf("%d–%d of %d%s%n", offset + 1, last, page.total(),
                last < page.total() ? "; next page: --offset " + last : "");
        return Cli.OK;
    }

    private static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() > DESCRIPTION_WIDTH ? line.substring(0, DESCRIPTION_WIDTH - 1) + "…" : line;
    }
}
