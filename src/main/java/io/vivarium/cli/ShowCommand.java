package io.vivarium.cli;

import io.vivarium.grind.TaskLogs;
import io.vivarium.store.Snapshot;
import io.vivarium.store.TaskStore;
import io.vivarium.store.UnknownTaskException;
import io.vivarium.store.WorkspaceJson;
import io.vivarium.story.TaskStory;
import io.vivarium.task.Task;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show a task's whole story: its definition, attempts, times, cost against its cap, result, "
                + "output, error, dependencies and dependents, claim, and why it waits.")
final class ShowCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    WorkspaceOption workspace;

    @Mixin
    SpendLimitOption spend;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The task to show.")
    String id;

    @Option(names = "--json", description = "Print the story as JSON, as GET /tasks/{id} answers it.")
    boolean json;

    @Option(names = "--lease", paramLabel = "SECONDS", defaultValue = "${VIVARIUM_LEASE_SECONDS:-300}",
            description = "A claim whose heartbeat is older than this is shown as stale (default: ${DEFAULT-VALUE}).")
    long leaseSeconds;

    ShowCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        TaskStore store = workspace.openStore(context.clock());
        Snapshot snapshot = store.snapshot();
        Task task = snapshot.task(id).orElseThrow(() -> new UnknownTaskException(id));
        TaskStory story = TaskStory.of(snapshot, task, store.claims(), context.clock().instant(),
                Duration.ofSeconds(leaseSeconds), store.spend(spend.limit()), store.flow());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(WorkspaceJson.mapper().writeValueAsString(story));
            return Cli.OK;
        }
        TaskLogs logs = new TaskLogs(workspace.path());
        String live = logs.exists(id) ? new String(logs.read(id, StoryLayout.OUTPUT_BYTES), StandardCharsets.UTF_8)
                : null;
        new StoryLayout(story, snapshot, context.clock().instant(), live).print(out);
        return Cli.OK;
    }
}
