package io.vivarium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.support.Http;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release's launcher, {@code target/vivarium}, as a user runs it: the same arguments, output and exit codes as
 * {@code java -jar vivarium.jar}, with its class-data-sharing archive made in the cache on first use, and still
 * running when there is no cache to write. Runs in {@code verify}, after packaging copied it beside the jar.
 */
class LauncherIT {

    static final Path LAUNCHER = Path.of("target/vivarium");

    @TempDir
    Path workspace;

    @TempDir
    Path cache;

    @TempDir
    Path scratch;

    Process server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theBuildPutsTheLauncherBesideTheJar() {
        assertThat(LAUNCHER).isRegularFile().isExecutable();
        assertThat(LAUNCHER.resolveSibling("vivarium.jar")).isRegularFile();
    }

    @Test
    void verbsAnswerAsTheJarDoesAndTheArchiveIsMadeOnce() throws Exception {
        Run added = launcher(Map.of(), "add", "via_launcher", "grind", "-w", workspace.toString());
        assertThat(added.exitCode()).as(added.output()).isZero();
        assertThat(added.output()).startsWith("Added via_launcher (");
        assertThat(archives()).as("the class-data-sharing archive in the cache").hasSize(1);

        Run status = launcher(Map.of(), "status", "--json", "-w", workspace.toString());
        Run statusFromTheJar = jar("status", "--json", "-w", workspace.toString());
        assertThat(status.exitCode()).isZero();
        assertThat(status.output()).isEqualTo(statusFromTheJar.output()).contains("\"pending\": 1");
        assertThat(archives()).as("reused, not made again").hasSize(1);

        Run refused = launcher(Map.of(), "add", "bad id", "grind", "-w", workspace.toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.output().strip()).isEqualTo(jar("add", "bad id", "grind", "-w", workspace.toString())
                .output().strip()).doesNotContain("\n");
    }

    @Test
    void withoutACacheOrWithSharingOffTheJarStillRuns() throws Exception {
        Path notADirectory = Files.writeString(scratch.resolve("cache-is-a-file"), "");
        Run noCache = launcher(Map.of("XDG_CACHE_HOME", notADirectory.toString()), "status", "-w", workspace.toString());
        assertThat(noCache.exitCode()).as(noCache.output()).isZero();
        assertThat(noCache.output()).contains("Pending");

        Run off = launcher(Map.of("VIVARIUM_CDS", "0"), "--version");
        assertThat(off.exitCode()).isZero();
        assertThat(off.output()).startsWith("vivarium ");
        assertThat(archives()).isEmpty();
    }

    @Test
    void serveStartsThroughTheLauncherAndStopsOnSigterm() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        server = command(Map.of(), List.of(LAUNCHER.toString(), "serve", "--port", String.valueOf(port),
                "--workers", "1", "-w", workspace.toString()))
                .redirectOutput(scratch.resolve("serve.out").toFile()).start();
        Http http = Http.at(port);
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                .until(() -> http.get("/actuator/health").status() == 200);

        server.destroy(); // SIGTERM to the launcher's process, which is the JVM (exec)
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(scratch.resolve("serve.out"))).contains("Started VivariumServer")
                .doesNotContain("ERROR");
        assertThat(archives()).as("the server's own archive").anyMatch(a -> a.endsWith("-serve.jsa"));
    }

    private record Run(int exitCode, String output) {
    }

    private List<String> archives() throws IOException {
        Path dir = cache.resolve("vivarium");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".jsa")).toList();
        }
    }

    private Run launcher(Map<String, String> env, String... args) throws Exception {
        List<String> line = new ArrayList<>(List.of(LAUNCHER.toString()));
        line.addAll(List.of(args));
        return run(command(env, line));
    }

    private Run jar(String... args) throws Exception {
        List<String> line = new ArrayList<>(List.of(java(), "-jar", LAUNCHER.resolveSibling("vivarium.jar").toString()));
        line.addAll(List.of(args));
        return run(command(Map.of(), line));
    }

    private Run run(ProcessBuilder builder) throws Exception {
        Path out = Files.createTempFile(scratch, "run", ".out");
        Process p = builder.redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out));
    }

    /** The JDK running the tests, for the launcher too, and a cache of this test's own. */
    private ProcessBuilder command(Map<String, String> env, List<String> line) {
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
        Path bin = Path.of(java()).getParent();
        if (bin != null && bin.getParent() != null) {
            builder.environment().put("JAVA_HOME", bin.getParent().toString());
        }
        builder.environment().put("XDG_CACHE_HOME", cache.toString());
        builder.environment().remove("VIVARIUM_JAR");
        builder.environment().putAll(env);
        return builder;
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
