package io.vivarium.cli;

import io.vivarium.config.Settings;
import io.vivarium.llm.LlmSettings;
import io.vivarium.llm.openai.OpenAiChatModel;
import io.vivarium.plan.PlanRequest;
import io.vivarium.plan.PlanResult;
import io.vivarium.plan.Planner;
import io.vivarium.plan.ScanSettings;
import io.vivarium.task.Budget;
import io.vivarium.task.Task;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Scan the workspace, ask the LLM for 3-5 improvement tasks, and append them to queue.json "
                + "(what POST /plan does, without a server).", "In a git repository the tasks are edit grinds: "
                + "the agent changes the code in its own worktree and proves it with the check.",
                "Needs TOGETHER_API_KEY (environment or .env)."})
final class PlanCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    WorkspaceOption workspace;

    @Spec
    CommandSpec spec;

    @Option(names = "--goal", paramLabel = "TEXT", description = "What to focus on (default: overall quality).")
    String goal;

    @Option(names = "--max-tasks", paramLabel = "N", description = "At most this many tasks, 1-10 (default: 5).")
    Integer maxTasks;

    @Option(names = "--dry-run", description = "Show the planned tasks; queue nothing.")
    boolean dryRun;

    @Option(names = "--glob", paramLabel = "GLOB", split = ",", defaultValue = "${VIVARIUM_PLAN_GLOBS:-**/*.py}",
            description = "Which files to scan, relative to the workspace (default: ${DEFAULT-VALUE}).")
    List<String> globs;

    @Option(names = "--check", paramLabel = "CMD", description = "The edit grinds' check, e.g. 'pytest -q' "
            + "(default: VIVARIUM_CHECK, else detected when each runs).")
    String check;

    @Option(names = "--no-edit", description = "Plan prompt grinds (an answer in the task's result) even in a git "
            + "repository.")
    boolean noEdit;

    PlanCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Settings settings = context.settings(workspace.path());
        PlanRequest request = new PlanRequest(goal, maxTasks, dryRun, noEdit,
                check != null ? check : settings.get("VIVARIUM_CHECK"));
        LlmSettings llm = CliEnvironment.llm(settings);
        Planner planner = new Planner(new OpenAiChatModel(llm), llm, workspace.openStore(context.clock()),
                workspace.path(), ScanSettings.defaults().withGlobs(globs));
        PlanResult result = planner.plan(request);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s %d task%s from %s (%d files scanned, %d+%d tokens, $%s):%n",
                result.dryRun() ? "Would add" : "Added", result.tasks().size(), result.tasks().size() == 1 ? "" : "s",
                result.model(), result.filesScanned(), result.promptTokens(), result.completionTokens(),
                Budget.format(result.costDollars()));
        for (Task task : result.tasks()) {
            out.printf(Locale.ROOT, "  %-28s %-6s $%s-$%s%s%n      %s%n", task.id(), task.priority(),
                    Budget.format(task.minBudget()), Budget.format(task.maxBudget()),
                    task.dependsOn().isEmpty() ? "" : "  after " + String.join(", ", task.dependsOn()),
                    task.description());
            if (task.worktree()) {
                out.printf("      edit grind: %s; check: %s%n", task.files().isEmpty() ? "no files named"
                        : "files " + String.join(", ", task.files()),
                        task.check() != null ? task.check() : "detected when it runs");
            }
        }
        result.notes().forEach(note -> out.println("  note: " + note));
        if (!result.dryRun()) {
            out.println("Run them with: vivarium start");
        }
        return Cli.OK;
    }
}
