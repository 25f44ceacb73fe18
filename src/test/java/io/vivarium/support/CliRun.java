package io.vivarium.support;

import io.vivarium.cli.Cli;
import io.vivarium.cli.CliContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the real CLI in-process against a workspace and keeps what it printed. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun in(Path workspace, String... args) {
        return in(workspace, Clock.systemUTC(), args);
    }

    public static CliRun in(Path workspace, Clock clock, String... args) {
        return in(workspace, new CliContext(clock), args);
    }

    /** With these environment variables in place of the JVM's own. */
    public static CliRun in(Path workspace, java.util.Map<String, String> environment, String... args) {
        return in(workspace, new CliContext(Clock.systemUTC(), environment), args);
    }

    private static CliRun in(Path workspace, CliContext context, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (args.length > 0 && !args[0].startsWith("-")) {
            all.add("--workspace");
            all.add(workspace.toString());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Cli.create(context);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(all.toArray(String[]::new));
        return new CliRun(code, out.toString(), err.toString());
    }

    public List<String> errLines() {
        return err.lines().toList();
    }
}
