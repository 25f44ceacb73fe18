package io.vivarium.cli;

import io.vivarium.code.WorktreeTasks;
import io.vivarium.task.Budget;
import io.vivarium.task.Durations;
import io.vivarium.task.InvalidTaskException;
import io.vivarium.task.Schedules;
import io.vivarium.task.TimeInput;
import java.time.Instant;
import java.time.ZoneId;
import io.vivarium.task.Intensity;
import io.vivarium.task.Priority;
import io.vivarium.task.Task;
import io.vivarium.task.TaskKeys;
import io.vivarium.task.TaskType;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import java.util.Locale;

@Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Append a task to queue.json.")
final class AddCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    WorkspaceOption workspace;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "Task id: letters, digits, '.', '_' or '-'.")
    String id;

    @Parameters(index = "1", paramLabel = "TYPE", description = "Task type: grind.")
    String type;

    @Option(names = "--min", paramLabel = "DOLLARS", description = "Minimum budget (default: 0.05).")
    Double min;

    @Option(names = "--max", paramLabel = "DOLLARS", description = "Maximum budget, a hard cap (default: 0.10).")
    Double max;

    @Option(names = "--intensity", paramLabel = "LEVEL", description = "low, medium or high (default: medium).")
    String intensity;

    @Option(names = "--command", paramLabel = "CMD", description = "Shell command the grind runs (sh -c, in the workspace).")
    String command;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "LLM prompt the grind sends, when there is no command.")
    String prompt;

    @Option(names = "--description", paramLabel = "TEXT", description = "What the task is for.")
    String description;

    @Option(names = "--depends-on", paramLabel = "ID", split = ",",
            description = "Ids of tasks that must complete first, comma-separated.")
    List<String> dependsOn;

    @Option(names = "--priority", paramLabel = "LEVEL", description = "high, medium or low (default: medium).")
    String priority;

    @Option(names = "--max-attempts", paramLabel = "N", description = "Attempts before the task fails (default: 3).")
    Integer maxAttempts;

    @Option(names = "--at", paramLabel = "TIME",
            description = "Start no earlier than TIME: 2026-12-05T09:00:00Z, 2026-12-05T09:00+01:00, or 2026-12-05 09:00 in --tz / this machine's zone.")
    String at;

    @Option(names = "--in", paramLabel = "DURATION", description = "Start no earlier than DURATION from now: 30s, 10m, 2h, 1d.")
    String in;

    @Option(names = "--every", paramLabel = "DURATION", description = "Run again every DURATION after each run (10m, 1h, 1d).")
    String every;

    @Option(names = "--cron", paramLabel = "EXPR",
            description = "Run at each occurrence of a five-field cron expression (\"0 3 * * *\") or @hourly, @daily, @weekly.")
    String cron;

    @Option(names = "--tz", paramLabel = "ZONE", description = "Time zone of --at and --cron (default: this machine's), e.g. Europe/Berlin.")
    String tz;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Kill the grind with its process tree when it runs longer (fails 'timed out', retried like any failure).")
    String timeout;

    @Option(names = "--worktree",
            description = "Run the grind in its own git worktree on branch vivarium/ID and commit what it changes.")
    boolean worktree;

    @Option(names = "--check", paramLabel = "CMD",
            description = "The command that proves a worktree grind's change (default: VIVARIUM_CHECK, else detected).")
    String check;

    @Option(names = "--files", paramLabel = "PATH", split = ",",
            description = "Files an edit grind's agent is shown first, comma-separated.")
    List<String> files;

    @Option(names = "--max-turns", paramLabel = "N", description = "An edit grind's model turns (default: 12).")
    Integer maxTurns;

    @Option(names = "--queue", paramLabel = "NAME",
            description = "The queue it runs in, whose limits it obeys (default: llm for a --prompt grind, else default).")
    String queue;

    @Option(names = "--key", paramLabel = "KEY",
            description = "Dedup key: while a task with this key is pending or running, add nothing and name that task.")
    String key;

    AddCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        TaskType.parse(type);
        Instant now = context.clock().instant();
        ZoneId zone = tz == null ? ZoneId.systemDefault() : TimeInput.zone("tz", tz);
        if (at != null && in != null) {
            throw new InvalidTaskException("run_at", "give --at or --in, not both");
        }
        Instant runAt = at != null ? TimeInput.parse("run_at", at, zone)
                : in != null ? now.plus(Durations.parse("in", in)) : null;
        Task task = Task.grind(id)
                .runAt(runAt)
                .every(every)
                .cron(cron)
                .tz(tz == null && cron != null ? zone.getId() : tz)
                .timeoutSeconds(timeout == null ? null : Math.max(1, Durations.parse("timeout", timeout).toSeconds()))
                .description(description)
                .command(command)
                .prompt(prompt)
                .minBudget(min)
                .maxBudget(max)
                .intensity(intensity == null ? null : Intensity.parse(intensity))
                .priority(priority == null ? null : Priority.parse(priority))
                .dependsOn(dependsOn)
                .maxAttempts(maxAttempts)
                .worktree(worktree)
                .check(check)
                .files(files)
                .maxTurns(maxTurns)
                .key(key)
                .queue(queue)
                .build()
                .withFirstRun(now);
        WorktreeTasks.requireRepository(workspace.path(), List.of(task));
        TaskKeys.Answer answer = workspace.openStore(context.clock()).addDeduplicated(List.of(task)).get(0);
        if (!answer.added()) {
            spec.commandLine().getOut().printf("already queued as %s%n", answer.id());
            return Cli.OK;
        }
        spec.commandLine().getOut().printf("Added %s (%s, budget $%s-$%s, intensity %s, priority %s)%n",
                task.id(), task.kind().name().toLowerCase(Locale.ROOT) + " grind",
                Budget.format(task.minBudget()), Budget.format(task.maxBudget()), task.intensity(), task.priority());
        Schedules.describe(task, now).ifPresent(line -> spec.commandLine().getOut().println("  " + line));
        return Cli.OK;
    }
}
