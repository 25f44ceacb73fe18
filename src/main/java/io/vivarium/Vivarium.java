package io.vivarium;

import io.vivarium.cli.Cli;
import io.vivarium.cli.CliContext;
import io.vivarium.cli.CliLogging;
import io.vivarium.store.WorkspaceJson;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * The jar's entry point. Verbs such as {@code add} and {@code status} run as plain picocli commands, so they never
 * pay for a Spring context; only {@code serve} starts one.
 */
public final class Vivarium {

    private Vivarium() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            args = new String[] {"serve"};
        }
        if (!List.of(args).contains("serve")) {
            // A verb's output is its answer (status --json is read by scripts): the store's libraries (connection
            // pool, migrations) may only warn, and on stderr. serve logs as Spring Boot configures it.
            System.setProperty(CliLogging.PROPERTY, "true");
        }
        if (readsTheWorkspace(args)) {
            preinitializeJson();
        }
        // serve returns only once the server has shut down, so every command ends here.
        System.exit(Cli.create(CliContext.system(), args).execute(args));
    }

    private static boolean readsTheWorkspace(String[] args) {
        return List.of(args).stream().noneMatch(a -> List.of("-h", "--help", "-V", "--version").contains(a));
    }

    /**
     * The workspace files' JSON mapper takes a quarter of a second to build (Jackson loads some 600 classes), and
     * every verb that reads the workspace needs it; building it on another core while picocli reads the command
     * line takes most of that off the wall clock. (Spring Boot's BackgroundPreinitializer does the same.) So does
     * working out how to read a task and its run, the documents' bulk: Jackson inspects the records and
     * spins method handles for their constructors once, and caches the result in the mapper the verb then uses.
     */
    private static void preinitializeJson() {
        Thread warm = new Thread(Vivarium::warmJson, "vivarium-json-preinitializer");
        warm.setDaemon(true);
        warm.start();
    }

    private static void warmJson() {
        JsonMapper mapper = WorkspaceJson.mapper();
        try {
            mapper.readerFor(Task.class);
            mapper.readerFor(TaskRun.class);
        } catch (RuntimeException e) {
            // The verb meets the same failure where it reads a file, and reports it as it reports a bad file.
        }
    }
}
