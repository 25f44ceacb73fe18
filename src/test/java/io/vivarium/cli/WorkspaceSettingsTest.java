package io.vivarium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * A verb reads the {@code .env} of the workspace its command line names, however it is spelled. {@code plan}
 * shows which file it read: with the key and endpoint from the workspace's {@code .env} it tries that endpoint,
 * without them it asks for a key.
 */
class WorkspaceSettingsTest {

    @TempDir
    Path workspace;

    @TempDir
    Path elsewhere;

    String endpoint;

    @BeforeEach
    void aDotEnvPointingAtAnEndpointThatRefuses() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        endpoint = "http://127.0.0.1:" + closed + "/v1";
        Files.writeString(workspace.resolve(".env"), "TOGETHER_API_KEY=from-dotenv\nVIVARIUM_LLM_BASE_URL=" + endpoint
                + "\nVIVARIUM_LLM_MAX_RETRIES=0\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--workspace DIR", "--workspace=DIR", "-w DIR", "-w=DIR", "-wDIR", "VIVARIUM_WORKSPACE"})
    void everySpellingOfTheWorkspaceReadsItsDotEnv(String spelling) {
        Run plan = spelling.equals("VIVARIUM_WORKSPACE")
                ? run(Map.of("VIVARIUM_WORKSPACE", workspace.toString()), "plan")
                : run(Map.of(), withWorkspace(spelling, "plan"));

        // names the cause, not "…: null"
        assertThat(plan.err()).isEqualTo("vivarium plan: cannot reach the LLM endpoint at " + endpoint + ": connection refused\n");
        assertThat(plan.exitCode()).isEqualTo(Cli.TASKS_FAILED);
    }

    @Test
    void anotherWorkspacesDotEnvIsNotRead() {
        Run plan = run(Map.of("VIVARIUM_WORKSPACE", workspace.toString()), "plan", "-w", elsewhere.toString());

        assertThat(plan.err()).contains("planning needs an LLM API key");
        assertThat(plan.exitCode()).isEqualTo(Cli.INPUT_ERROR);
    }

    @Test
    void theEnvironmentWinsOverTheDotEnv() {
        Run plan = run(Map.of("TOGETHER_API_KEY", ""), "plan", "-w=" + workspace);

        assertThat(plan.err()).contains("planning needs an LLM API key");
    }

    @Test
    void optionDefaultsComeFromTheDotEnvToo() throws IOException {
        Files.writeString(workspace.resolve(".env"), "VIVARIUM_PORT=9123\n");

        Run help = run(Map.of(), "serve", "-w" + workspace, "--help");

        assertThat(help.out()).contains("(default: 9123;");
        assertThat(System.getProperty("VIVARIUM_PORT")).as("nothing is copied into system properties").isNull();
    }

    @Test
    void aDotEnvThatCannotBeReadIsOneClearLine() throws Exception {
        Files.delete(workspace.resolve(".env"));
        new ProcessBuilder("mkfifo", workspace.resolve(".env").toString()).start().waitFor();

        for (String verb : List.of("status", "serve")) {
            Run run = run(Map.of(), verb, "-w=" + workspace);

            assertThat(run.err()).isEqualTo("vivarium " + verb + ": " + workspace.resolve(".env") + ": not a regular file\n");
            assertThat(run.exitCode()).isEqualTo(Cli.INPUT_ERROR);
        }
    }

    private String[] withWorkspace(String spelling, String verb) {
        List<String> args = new ArrayList<>(List.of(verb));
        args.addAll(List.of(spelling.replace("DIR", workspace.toString()).split(" ")));
        return args.toArray(String[]::new);
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Cli.create(new CliContext(Clock.systemUTC(), environment));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
