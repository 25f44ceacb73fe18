package io.vivarium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.support.CliProcess;
import io.vivarium.support.Http;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} applies the {@code VIVARIUM_API_TOKEN} kept in its workspace's {@code .env}, however the workspace
 * is named: {@code -w=DIR} and {@code -wDIR} used to skip the file and serve without a token.
 */
class ServeDotEnvProcessTest {

    static final String TOKEN = "token-from-dotenv";

    @TempDir
    Path root;

    final List<CliProcess> servers = new ArrayList<>();

    @AfterEach
    void stopServers() throws InterruptedException {
        for (CliProcess server : servers) {
            server.process().destroy();
        }
        for (CliProcess server : servers) {
            if (!server.process().waitFor(30, TimeUnit.SECONDS)) {
                server.process().destroyForcibly();
            }
        }
    }

    @Test
    void everySpellingOfTheWorkspaceEnforcesTheTokenFromItsDotEnv() throws Exception {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String spelling : List.of("--workspace DIR", "--workspace=DIR", "-w DIR", "-w=DIR", "-wDIR",
                "VIVARIUM_WORKSPACE")) {
            Path workspace = Files.createDirectory(root.resolve("ws" + ports.size()));
            Files.writeString(workspace.resolve(".env"), "VIVARIUM_API_TOKEN=" + TOKEN + "\n");
            int port = freePort();
            List<String> args = new ArrayList<>(List.of("serve", "--workers", "0", "--port", String.valueOf(port)));
            Map<String, String> env = Map.of();
            if (spelling.equals("VIVARIUM_WORKSPACE")) {
                env = Map.of("VIVARIUM_WORKSPACE", workspace.toString());
            } else {
                args.addAll(List.of(spelling.replace("DIR", workspace.toString()).split(" ")));
            }
            servers.add(CliProcess.start(root.resolve("serve" + ports.size() + ".out"), env, args.toArray(String[]::new)));
            ports.put(spelling, port);
        }

        int i = 0;
        for (Map.Entry<String, Integer> served : ports.entrySet()) {
            Http http = Http.at(served.getValue());
            CliProcess server = servers.get(i++);
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                    .until(() -> http.get("/actuator/health").status() == 200);

            assertThat(http.get("/status").status()).as(served.getKey() + "\n" + server.output()).isEqualTo(401);
            assertThat(http.withToken(TOKEN).get("/status").status()).as(served.getKey()).isEqualTo(200);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
