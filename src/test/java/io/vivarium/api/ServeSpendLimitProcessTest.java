package io.vivarium.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import io.vivarium.support.Http;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code serve --spend-limit} in its own JVM: its embedded workers claim under it, and the API says so. */
class ServeSpendLimitProcessTest {

    @TempDir
    Path workspace;

    @TempDir
    Path scratch;

    @Test
    void theServersOwnLimitBindsItsWorkersBesideTheWorkspaces() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        for (String id : new String[] {"t1", "t2", "t3"}) {
            CliRun.in(workspace, "add", id, "grind");
        }
        CliRun.in(workspace, "limit", "set", "5");
        // The variable is the fallback; the flag wins over it.
        CliProcess server = CliProcess.start(scratch.resolve("serve.out"), Map.of("VIVARIUM_SPEND_LIMIT", "4"),
                "serve", "--port", String.valueOf(port), "--workers", "2", "--spend-limit", "0.15",
                "--workspace", workspace.toString());
        try {
            Http http = Http.at(port);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> http.get("/status").json().get("waiting_for_budget").asInt() == 1
                            && http.get("/status").json().get("completed").asInt() == 2);

            // Empty grinds cost $0.05 and reserve $0.10: the third would need $0.20 of the $0.15.
            JsonNode limit = http.get("/limit").json();
            assertThat(limit.get("process_limit").asDouble()).isEqualTo(0.15);
            assertThat(limit.get("workspace_limit").asDouble()).isEqualTo(5.0);
            assertThat(limit.get("spend_limit").asDouble()).isEqualTo(0.15);
            assertThat(limit.get("spent").asDouble()).isEqualTo(0.10);
            assertThat(http.get("/tasks/t3").json().get("waiting").get("kind").asString()).isEqualTo("budget");
        } finally {
            server.process().destroy();
            server.waitFor(30);
        }
    }
}
