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
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar users run, as they run it ({@code java -jar target/vivarium.jar}): one flat jar with build-time bean
 * definitions, which the unit tests (classes in a directory) never load. Runs in {@code verify}, after packaging.
 */
class PackagedJarIT {

    static final Path JAR = Path.of("target/vivarium.jar");

    @TempDir
    Path workspace;

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
    void theJarIsFlatAndCarriesBuildTimeBeanDefinitions() throws IOException {
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            assertThat(jar.getEntry("io/vivarium/Vivarium.class")).isNotNull();
            assertThat(jar.getEntry("io/vivarium/api/VivariumServer__ApplicationContextInitializer.class")).isNotNull();
            assertThat(jar.stream().filter(e -> e.getName().endsWith(".jar"))).as("no nested jars").isEmpty();
        }
    }

    @Test
    void verbsAndTheServerWorkFromTheJar() throws Exception {
        Files.writeString(workspace.resolve(".env"), "VIVARIUM_API_TOKEN=jar-token\n");
        Run add = run("add", "from_jar", "grind", "--command", "echo packaged", "-w=" + workspace);
        assertThat(add.exitCode()).as(add.output()).isZero();

        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        server = java("serve", "--port", String.valueOf(port), "--workers", "1", "-w" + workspace)
                .redirectOutput(scratch.resolve("serve.out").toFile()).start();
        Http http = Http.at(port);
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> http.get("/actuator/health").status() == 200);
        Http authorized = http.withToken("jar-token");

        assertThat(http.get("/status").status()).isEqualTo(401);
        assertThat(authorized.post("/grind", "{\"min_budget\": 0.05, \"max_budget\": 0.10, \"intensity\": \"medium\"}")
                .body()).isEqualTo("{\"status\":\"completed\",\"result\":\"Grind completed with intensity=medium\","
                        + "\"budget_used\":0.05}");
        assertThat(authorized.get("/v3/api-docs").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> authorized.get("/status").json().get("completed").asInt() == 1);

        server.destroy(); // SIGTERM
        assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(scratch.resolve("serve.out"))).contains("Started VivariumServer")
                .doesNotContain("ERROR");
    }

    private record Run(int exitCode, String output) {
    }

    private Run run(String... args) throws Exception {
        Path out = Files.createTempFile(scratch, "run", ".out");
        Process p = java(args).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out));
    }

    private static ProcessBuilder java(String... args) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }
}
