package io.vivarium;

import io.vivarium.cli.Cli;
import io.vivarium.config.DotEnv;
import java.util.List;

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
            System.setProperty("logback.configurationFile", "vivarium-cli-logback.xml");
        }
        DotEnv.exposeAsSystemProperties(DotEnv.workspaceFrom(args, System.getenv()), System.getenv());
        // serve returns only once the server has shut down, so every command ends here.
        System.exit(Cli.create().execute(args));
    }
}
