package io.vivarium.cli;

import io.vivarium.config.SettingsException;
import io.vivarium.llm.LlmException;
import io.vivarium.store.StoreException;
import io.vivarium.task.IllegalTransitionException;
import io.vivarium.task.InvalidTaskException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Builds the command line with Vivarium's error conventions: usage and input errors are one line on stderr with
 * exit code 2; task failures are exit code 1; a run stopped at the spend limit is 3; success is 0.
 */
public final class Cli {

    public static final int OK = 0;
    public static final int TASKS_FAILED = 1;
    public static final int INPUT_ERROR = 2;
    /** {@code start} and {@code worker run} stopped because the tasks left wait for budget. */
    public static final int SPEND_LIMIT_REACHED = 3;

    /** How flags are called on the command line, for errors that name a task field. */
    private static final Map<String, String> FLAG_OF_FIELD = Map.of(
            "min_budget", "--min", "max_budget", "--max", "intensity", "--intensity", "depends_on", "--depends-on",
            "priority", "--priority", "max_attempts", "--max-attempts", "type", "TYPE", "id", "ID",
            "max_tasks", "--max-tasks", "limit", "DOLLARS");

    private Cli() {
    }

    public static CommandLine create() {
        return create(CliContext.system());
    }

    /** The verbs, in the order help lists them. */
    private static final List<Class<?>> VERBS = List.of(ServeCommand.class, AddCommand.class, StartCommand.class,
            WorkerCommand.class, StatusCommand.class, ShowCommand.class, ListCommand.class, LogsCommand.class,
            PruneCommand.class, QueueCommand.class, PauseCommands.Pause.class, PauseCommands.Resume.class,
            PlanCommand.class, RetryCommand.class, CancelCommand.class,
            ClearCommand.class, LimitCommand.class, CostsCommand.class, MoveCommands.Import.class,
            MoveCommands.Export.class,
            ReviewCommands.Waiting.class, ReviewCommands.Diff.class, ReviewCommands.Accept.class,
            ReviewCommands.Reject.class,
            AutoComplete.GenerateCompletion.class);

    /** Every verb: for help, completion scripts and tests. */
    public static CommandLine create(CliContext context) {
        return create(context, VERBS);
    }

    /**
     * For one run of {@code args}: when they start with a verb, only that verb's model is built, since picocli
     * reads every option of every verb it is given (a tenth of a CLI verb's start-up). Anything else (help, a
     * version, a mistyped verb) gets every verb, so help lists them and a typo gets suggestions.
     */
    public static CommandLine create(CliContext context, String[] args) {
        String first = args.length == 0 ? "" : args[0];
        return VERBS.stream()
                .filter(verb -> verb.getAnnotation(Command.class).name().equals(first))
                .filter(verb -> verb != AutoComplete.GenerateCompletion.class) // completes every verb
                .findFirst()
                .map(verb -> create(context, List.<Class<?>>of(verb)))
                .orElseGet(() -> create(context));
    }

    private static CommandLine create(CliContext context, List<Class<?>> verbs) {
        CommandLine cli = new CommandLine(new VivariumCommand(), new CliFactory(context));
        verbs.forEach(cli::addSubcommand);
        cli.setDefaultValueProvider(new SettingsDefaults(context));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler(Cli::onUsageError);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> onFailure(e, cmd));
        return cli;
    }

    private static int onUsageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        if (e.getCause() instanceof SettingsException settings) {
            // met while reading option defaults: the workspace's .env, not the command line, is at fault
            cmd.getErr().println(name + ": " + settings.getMessage());
            return INPUT_ERROR;
        }
        cmd.getErr().println(name + ": " + e.getMessage() + " (see '" + name + " --help')");
        return INPUT_ERROR;
    }

    private static int onFailure(Exception e, CommandLine cmd) {
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        if (e instanceof InvalidTaskException invalid) {
            String flag = FLAG_OF_FIELD.getOrDefault(invalid.field(), "--" + invalid.field().replace('_', '-'));
            err.println(name + ": " + flag + ": " + invalid.getMessage());
            return INPUT_ERROR;
        }
        if (e instanceof LlmException llm) {
            err.println(name + ": " + llm.getMessage());
            return llm.kind() == LlmException.Kind.NOT_CONFIGURED ? INPUT_ERROR : TASKS_FAILED;
        }
        if (e instanceof StoreException || e instanceof IllegalTransitionException || e instanceof UserInputException
                || e instanceof SettingsException) {
            err.println(name + ": " + e.getMessage());
            return INPUT_ERROR;
        }
        err.println(name + ": internal error: " + e);
        if (System.getenv("VIVARIUM_DEBUG") != null) {
            e.printStackTrace(err);
        }
        return TASKS_FAILED;
    }
}
