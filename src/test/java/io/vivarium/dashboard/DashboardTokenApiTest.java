package io.vivarium.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.Http;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** With {@code VIVARIUM_API_TOKEN} set: the page and its files are public, every call that reads or changes data is not. */
class DashboardTokenApiTest extends TokenServer {

    @Test
    void thePageAndItsFilesNeedNoTokenButEveryDataCallDoes() {
        Http anonymous = Http.at(port);
        for (String path : new String[] {"/", "/index.html", "/dashboard/app.js", "/dashboard/app.css",
                "/dashboard/icon.svg"}) {
            Http.Response r = anonymous.get(path);
            assertThat(r.status()).as(path).isEqualTo(200);
            assertThat(r.body()).as(path).doesNotContain(TOKEN);
        }
        assertThat(anonymous.get("/dashboard/missing.js").status()).isEqualTo(404);
        for (String path : new String[] {"/events", "/overview", "/claims", "/tasks", "/tasks?limit=5", "/tasks/x"}) {
            assertThat(anonymous.get(path).status()).as(path).isEqualTo(401);
        }
        assertThat(anonymous.post("/tasks/clear", "{\"confirm\": true}").status()).isEqualTo(401);
        assertThat(anonymous.post("/tasks/retry-failed", "{}").status()).isEqualTo(401);
    }

    /** The public paths are matched on the raw URI: a dot segment or an encoding never reaches the API without the token. */
    @ParameterizedTest
    @ValueSource(strings = {"/dashboard/../status", "/dashboard/..%2fstatus", "/dashboard/%2e%2e/status",
            "/dashboard/x.js/../../status", "/index.html/../status", "/dashboard/;/../status"})
    void aPathThatOnlyLooksPublicStillNeedsTheToken(String rawPath) throws Exception {
        String answer = rawRequest("GET " + rawPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        assertThat(answer).doesNotStartWith("HTTP/1.1 200").doesNotContain("total_tasks");
    }

    /** HTTP clients normalise paths; a socket sends exactly what an attacker would. */
    private String rawRequest(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
