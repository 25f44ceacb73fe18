package io.vivarium.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.api.VivariumServer;
import io.vivarium.support.Http;
import io.vivarium.support.ServerWorkspace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The attack of issue 17: one local process opens far more {@code GET /events} streams than any dashboard needs and
 * leaves them idle. Over real sockets against a real server with the default bound: the streams beyond it are
 * refused at once with a problem body and a closed connection, {@code /status} and the page keep answering, and the
 * slots come back when the streams leave.
 */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token="})
class EventStreamFloodTest {

    static final int BOUND = 64;
    static final int FLOOD = 600;
    static final Path WORKSPACE = ServerWorkspace.create("event-flood");

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
    }

    @LocalServerPort
    int port;

    final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    @Test
    void streamsBeyondTheBoundAreRefusedAndTheServerKeepsAnswering() throws Exception {
        Http http = Http.at(port);
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < BOUND; i++) {
            Socket stream = requestEvents();
            assertThat(head(stream)).startsWith("HTTP/1.1 200").containsIgnoringCase("text/event-stream");
            held.add(stream);
        }
        // The flood: every request sent before any answer is read, and none of them ever closed by the client.
        List<Socket> flood = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) {
            flood.add(requestEvents());
        }

        long before = System.nanoTime();
        Http.Response status = http.get("/status");
        long statusMillis = (System.nanoTime() - before) / 1_000_000;
        assertThat(status.status()).isEqualTo(200);
        assertThat(statusMillis).as("ms for /status under the flood").isLessThan(2000);
        assertThat(http.get("/").status()).isEqualTo(200);
        assertThat(http.get("/overview").status()).isEqualTo(200);

        for (Socket refused : flood) {
            assertThat(head(refused)).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: 10")
                    .containsIgnoringCase("content-type: application/problem+json");
            // readAllBytes returns only because the server closes the connection: a refusal holds none.
            String body = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(body).contains("\"title\":\"Too many event streams\"", "\"limit\":" + BOUND);
        }
        assertThat(openStreams(http)).isEqualTo(BOUND);

        for (Socket stream : held) {
            stream.close();
        }
        // A stream that left is found by the next write (a refresh every two seconds) and its slot returned.
        await().atMost(Duration.ofSeconds(15)).until(() -> openStreams(http) == 0);
        Socket again = requestEvents();
        assertThat(head(again)).startsWith("HTTP/1.1 200");
    }

    private Socket requestEvents() throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        sockets.add(socket);
        socket.setSoTimeout(20_000);
        socket.getOutputStream().write(("GET /events HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** The status line and headers, read up to the blank line that ends them. */
    private static String head(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static int openStreams(Http http) {
        return http.get("/actuator/metrics/vivarium.event.streams").json()
                .get("measurements").get(0).get("value").asInt();
    }
}
