package io.vivarium;

import io.vivarium.cli.Cli;

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
        // serve returns only once the server has shut down, so every command ends here.
        System.exit(Cli.create().execute(args));
    }
}
