package io.vivarium.api.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.grind.GrindControl;
import io.vivarium.grind.GrindRequest;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Intensity;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stopping a remote grind's control ends its HTTP exchange at once and closes the connection, whether the server
 * has answered nothing yet or is sending its heartbeat spaces. A stand-in server that never finishes shows it.
 */
class RemoteGrindsTest {

    static final GrindRequest SLEEP = new GrindRequest("task_1", "sleep 60", null, 0.05, 1, Intensity.MEDIUM, null);

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void stoppingTheControlAbortsTheExchangeAndClosesTheConnection(boolean headersSent) throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            RemoteGrinds grinds = new RemoteGrinds(URI.create("http://127.0.0.1:" + server.getLocalPort()), null);
            GrindControl control = GrindControl.none();
            CompletableFuture<GrindResult> result = CompletableFuture.supplyAsync(() -> grinds.run(SLEEP, control));

            try (Socket exchange = server.accept()) {
                InputStream in = exchange.getInputStream();
                readRequest(in);
                if (headersSent) {
                    exchange.getOutputStream().write(("HTTP/1.1 200 \r\nContent-Type: application/json\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n1\r\n \r\n").getBytes(StandardCharsets.US_ASCII));
                    exchange.getOutputStream().flush();
                }
                Thread.sleep(300);
                long stoppedAt = System.nanoTime();
                control.stop("claim lost (taken over, cancelled or removed)");

                GrindResult r = result.get(5, TimeUnit.SECONDS);
                assertThat(r.succeeded()).isFalse();
                assertThat(r.error()).isEqualTo("stopped: claim lost (taken over, cancelled or removed)");
                // the server sees its client go: end of stream, or a reset
                exchange.setSoTimeout(5000);
                assertThat(endOfStream(in)).as("the connection is closed").isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void aControlStoppedBeforeTheCallNeverWaitsForTheServer() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            RemoteGrinds grinds = new RemoteGrinds(URI.create("http://127.0.0.1:" + server.getLocalPort()), null);
            GrindControl control = GrindControl.none();
            control.stop("worker shutting down");

            GrindResult r = CompletableFuture.supplyAsync(() -> grinds.run(SLEEP, control)).get(5, TimeUnit.SECONDS);

            assertThat(r.error()).isEqualTo("stopped: worker shutting down");
        }
    }

    @Test
    void nothingListeningIsTheGuidesMessage() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        GrindResult r = new RemoteGrinds(URI.create("http://127.0.0.1:" + closed), null).run(SLEEP, GrindControl.none());

        assertThat(r.error()).isEqualTo("Cannot connect to API at http://127.0.0.1:" + closed);
    }

    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().contains("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("request cut short: " + head);
            }
            head.append((char) b);
        }
        String headers = head.toString().toLowerCase(java.util.Locale.ROOT);
        int at = headers.indexOf("content-length:");
        int length = Integer.parseInt(headers.substring(at + 15, headers.indexOf("\r\n", at)).strip());
        in.readNBytes(length);
    }

    private static boolean endOfStream(InputStream in) throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
