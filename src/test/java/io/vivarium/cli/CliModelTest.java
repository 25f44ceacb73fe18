package io.vivarium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A command line builds only the verb it names; help, completion and typos still see every verb. */
class CliModelTest {

    @Test
    void aVerbBuildsOnlyItsOwnModelAndRuns(@TempDir Path workspace) {
        String[] args = {"status", "--json", "-w", workspace.toString()};
        CommandLine cli = Cli.create(CliContext.system(), args);
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));

        assertThat(cli.getSubcommands()).containsOnlyKeys("status");
        assertThat(cli.execute(args)).isZero();
        assertThat(out.toString()).contains("\"total_tasks\": 0");
    }

    @Test
    void helpCompletionAndUnknownVerbsSeeEveryVerb() {
        for (String[] args : new String[][] {{"--help"}, {"-h", "status"}, {"generate-completion"}, {"statsu"}, {}}) {
            assertThat(Cli.create(CliContext.system(), args).getSubcommands()).as(String.join(" ", args))
                    .containsKeys("serve", "add", "start", "worker", "status", "plan", "retry", "cancel", "clear",
                            "generate-completion");
        }
    }
}
