package io.vivarium.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.support.Http;
import io.vivarium.support.Processes;
import io.vivarium.support.ServerWorkspace;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code POST /grind} lasts as long as its client: a client that goes away takes its grind with it. */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token="})
class GrindExchangeTest {

    static final Path WORKSPACE = ServerWorkspace.create("grind-exchange");

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
    }

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void client() {
        http = Http.at(port);
    }

    @Test
    void aShortGrindAnswersByteForByteAsBefore() {
        Http.Response r = http.post("/grind", "{\"min_budget\": 0.05, \"max_budget\": 0.10, \"intensity\": \"medium\"}");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.body()).isEqualTo(
                "{\"status\":\"completed\",\"result\":\"Grind completed with intensity=medium\",\"budget_used\":0.05}");
    }

    @Test
    void aLongGrindKeepsItsExchangeAliveWithSpacesThenAnswersJson() {
        Http.Response r = http.post("/grind", "{\"command\": \"sleep 2.4; echo done\", \"max_budget\": 1}");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).startsWith("  {\"status\":\"completed\"");
        assertThat(r.json().get("output").asString()).isEqualTo("done\n");
    }

    @Test
    void aGrindStopsWithItsWholeProcessTreeWhenItsClientGoesAway(@TempDir Path scratch) throws Exception {
        Path pidFile = scratch.resolve("grind.pid");
        String body = "{\"command\": \"echo $$ > " + pidFile + "; exec sleep 60\", \"max_budget\": 5}";
        long pid;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /grind HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
            pid = Long.parseLong(Files.readString(pidFile).strip());
            // the first heartbeat: headers and a space, a second into the grind
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(head).startsWith("HTTP/1.1 200");
            assertThat(Processes.isRunning(pid)).isTrue();
        } // the client goes away

        await().atMost(Duration.ofSeconds(6)).until(() -> !Processes.isRunning(pid));
    }
}
