package io.vivarium.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import io.vivarium.support.Http;
import io.vivarium.support.RawHttp;
import io.vivarium.support.ServerWorkspace;
import io.vivarium.support.WorkspaceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Without a token (the default), what a web page can make a browser send: a rebound name in {@code Host}, a
 * cross-site form post or no-cors fetch. Each is refused before it reaches a controller; curl and the CLI still work.
 */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token=", "vivarium.llm.api-key="})
class HostAndOriginTest {

    static final Path WORKSPACE = ServerWorkspace.create("host-origin");
    static final String GRIND = "{\"command\": \"id > pwned.txt\"}";

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
    }

    @LocalServerPort
    int port;

    byte[] queue;

    @BeforeEach
    void aPendingTask() throws Exception {
        CliRun.in(WORKSPACE, "clear");
        CliRun.in(WORKSPACE, "add", "victim", "grind");
        Files.deleteIfExists(WORKSPACE.resolve("pwned.txt"));
        queue = WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"));
    }

    private RawHttp request() {
        return RawHttp.to(port);
    }

    private void assertRefused(Http.Response r, int status, String... detailSays) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("status").asInt()).isEqualTo(status);
        assertThat(r.json().get("detail").asString()).contains(detailSays);
        assertThat(WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"))).isEqualTo(queue);
        assertThat(WORKSPACE.resolve("pwned.txt")).doesNotExist();
        assertThat(Http.at(port).get("/tasks/victim").json().get("status").asString()).isEqualTo("pending");
    }

    @Test
    void theRebindingCurlOfTheReportIsRefusedAndRunsNothing() {
        Http.Response r = request().header("Host", "evil.example.com:8420")
                .header("Origin", "http://evil.example.com:8420")
                .header("Content-Type", "application/json").post("/grind", GRIND);

        assertRefused(r, 403, "evil.example.com:8420", "DNS rebinding", "VIVARIUM_ALLOWED_HOSTS", "VIVARIUM_API_TOKEN");
        assertThat(r.json().get("title").asString()).isEqualTo("Host not allowed");
        assertThat(r.json().get("host").asString()).isEqualTo("evil.example.com:8420");
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example.com", "evil.example.com:8420", "127.0.0.1.evil.example.com",
            "localhost.evil.example.com", "localhost.", "evil-localhost", "0.0.0.0", "127.0.0.256", "192.168.1.10",
            "[::2]", "[::ffff:10.0.0.1]"})
    void readsAddressedToAnyOtherNameAreRefusedToo(String host) {
        for (String path : new String[] {"/status", "/tasks", "/tasks/victim", "/v3/api-docs", "/actuator/prometheus"}) {
            Http.Response r = request().header("Host", host).get(path);
            assertThat(r.status()).as(host + " " + path + " " + r.body()).isEqualTo(403);
            assertThat(r.json().get("title").asString()).isEqualTo("Host not allowed");
        }
        assertRefused(request().header("Host", host).header("Content-Type", "application/json")
                .post("/tasks/victim/cancel", null), 403, "vivarium.allowed-hosts");
    }

    @ParameterizedTest
    @ValueSource(strings = {"::1", "[::1", "localhost:http", "localhost:1:2", "localhost:99999", "", "a b"})
    void malformedHostsAreRefused(String host) {
        Http.Response read = request().header("Host", host).get("/status");
        assertThat(read.status()).as(host + " " + read.body()).isIn(400, 403);
        Http.Response write = request().header("Host", host).header("Content-Type", "application/json")
                .post("/tasks/victim/cancel", null);
        assertThat(write.status()).as(host + " " + write.body()).isIn(400, 403);
        assertThat(WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"))).isEqualTo(queue);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.1:PORT", "127.1.2.3:PORT", "localhost", "LocalHost:PORT",
            "app.localhost:PORT", "[::1]:PORT", "[::1]", "[0:0:0:0:0:0:0:1]:PORT"})
    void loopbackNamesAndAddressesWithAnyPortAreAnswered(String host) {
        Http.Response r = request().header("Host", host.replace("PORT", String.valueOf(port))).get("/status");

        assertThat(r.status()).as(host + " " + r.body()).isEqualTo(200);
        assertThat(r.json().get("pending").asInt()).isEqualTo(1);
    }

    @Test
    void healthStaysOpenWhateverTheHost() {
        assertThat(request().header("Host", "evil.example.com").get("/actuator/health").status()).isEqualTo(200);
    }

    @Test
    void anHttp10RequestWithoutHostIsJudgedByTheAddressItCameInOn() throws Exception {
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("GET /status HTTP/1.0\r\n\r\n".getBytes());
            assertThat(new String(socket.getInputStream().readAllBytes())).startsWith("HTTP/1.1 200");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            form post cancelling a task          | /tasks/victim/cancel | http://evil.example.com     | cross-site  | application/x-www-form-urlencoded | a=1
            text/plain retry                     | /tasks/victim/retry  | http://evil.example.com     | cross-site  | text/plain                        | x
            no-cors plan, no body, no type       | /plan                | http://evil.example.com     | cross-site  | -                                 | -
            JSON grind from another origin       | /grind               | http://evil.example.com     | -           | application/json                  | {"command": "id > pwned.txt"}
            JSON add from another origin         | /tasks               | https://evil.example.com    | -           | application/json                  | {"id": "planted"}
            opaque origin                        | /grind               | null                        | -           | application/json                  | {"command": "id > pwned.txt"}
            loopback page on another port        | /grind               | http://127.0.0.1:1          | -           | application/json                  | {"command": "id > pwned.txt"}
            localhost is another origin          | /grind               | http://localhost:PORT       | -           | application/json                  | {"command": "id > pwned.txt"}
            https is another origin              | /grind               | https://127.0.0.1:PORT      | -           | application/json                  | {"command": "id > pwned.txt"}
            own origin but a cross-site fetch    | /grind               | http://127.0.0.1:PORT       | cross-site  | application/json                  | {"command": "id > pwned.txt"}
            no Origin, cross-site fetch          | /tasks/victim/cancel | -                           | cross-site  | -                                 | -
            no Origin, same-site fetch           | /grind               | -                           | same-site   | application/json                  | {"command": "id > pwned.txt"}
            malformed Origin                     | /grind               | http://127.0.0.1:PORT/x?y   | -           | application/json                  | {"command": "id > pwned.txt"}
            """)
    void stateChangingRequestsFromAnotherOriginAreRefused(String name, String path, String origin, String site,
                                                           String contentType, String body) {
        Http.Response r = request().header("Origin", origin == null ? null : origin.replace("PORT", "" + port))
                .header("Sec-Fetch-Site", site).header("Content-Type", contentType).post(path, body);

        assertRefused(r, 403, "refusing a POST", "VIVARIUM_ALLOWED_HOSTS");
        assertThat(r.json().get("title").asString()).isEqualTo("Cross-origin request refused");
    }

    @Test
    void theServersOwnPagesCurlAndTheCliStillChangeState() {
        String own = "http://127.0.0.1:" + port;
        Http.Response fromOwnPage = request().header("Origin", own).header("Sec-Fetch-Site", "same-origin")
                .header("Content-Type", "application/json").post("/tasks", "{\"id\": \"from_page\"}");
        assertThat(fromOwnPage.status()).as(fromOwnPage.body()).isEqualTo(201);

        Http.Response ownByName = request().header("Host", "localhost:" + port).header("Origin", "http://LOCALHOST:" + port)
                .header("Content-Type", "application/json").post("/tasks", "{\"id\": \"by_name\"}");
        assertThat(ownByName.status()).as(ownByName.body()).isEqualTo(201);

        Http.Response typedInTheAddressBar = request().header("Sec-Fetch-Site", "none")
                .header("Content-Type", "application/json").post("/tasks", "{\"id\": \"typed\"}");
        assertThat(typedInTheAddressBar.status()).as(typedInTheAddressBar.body()).isEqualTo(201);

        Http.Response curl = request().post("/tasks/victim/cancel", null);
        assertThat(curl.status()).as(curl.body()).isEqualTo(200);
        assertThat(curl.json().get("status").asString()).isEqualTo("cancelled");
        assertThat(request().post("/tasks/victim/retry", null).json().get("retried").get(0).asString()).isEqualTo("victim");
        assertThat(Http.at(port).post("/grind", GRIND).json().get("status").asString()).isEqualTo("completed");
        assertThat(WORKSPACE.resolve("pwned.txt")).exists();
    }

    @Test
    void readsFromAnotherOriginAreAnsweredAsBefore() {
        Http.Response r = request().header("Origin", "http://evil.example.com").header("Sec-Fetch-Site", "cross-site")
                .get("/status");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("Access-Control");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            /tasks/victim/cancel | application/x-www-form-urlencoded | a=1
            /tasks/victim/cancel | application/x-www-form-urlencoded | -
            /tasks/victim/cancel | text/plain                        | x
            /tasks/victim/cancel | -                                 | {}
            /tasks/victim/retry  | text/plain                        | x
            /tasks/victim/retry  | multipart/form-data; boundary=b   | --b--
            /plan                | text/plain                        | {}
            /plan                | -                                 | {}
            /plan                | application/json; charset=x-bogus | {}
            /grind               | text/plain                        | {"command": "id > pwned.txt"}
            """)
    void aBodyThatIsNotJsonIsUnsupportedEverywhere(String path, String contentType, String body) {
        Http.Response r = request().header("Content-Type", contentType).post(path, body);

        assertRefused(r, 415, contentType == null ? "Content-Type: application/json" : "is not supported");
    }

    @Test
    void aJsonBodyOrNoneReachesCancelAndRetry() {
        Http.Response json = request().header("Content-Type", "application/json").post("/tasks/victim/cancel", "");
        assertThat(json.status()).as(json.body()).isEqualTo(200);
        Http.Response problemJson = request().header("Content-Type", "application/merge-patch+json")
                .post("/tasks/victim/retry", "{}");
        assertThat(problemJson.status()).as(problemJson.body()).isEqualTo(200);
    }
}
