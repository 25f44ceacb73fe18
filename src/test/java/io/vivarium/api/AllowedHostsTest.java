package io.vivarium.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.Http;
import io.vivarium.support.RawHttp;
import io.vivarium.support.ServerWorkspace;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Names the user lists in {@code VIVARIUM_ALLOWED_HOSTS} are answered like loopback ones, through the same
 * placeholder {@code application.properties} gives the token.
 */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token=", "VIVARIUM_ALLOWED_HOSTS=Evil.Example.com, vivarium.lan,"})
class AllowedHostsTest {

    static final Path WORKSPACE = ServerWorkspace.create("allowed-hosts");

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
    }

    @LocalServerPort
    int port;

    @Test
    void theReportsCurlPassesOnceItsNameIsListed() throws Exception {
        Files.deleteIfExists(WORKSPACE.resolve("ran.txt"));

        Http.Response r = RawHttp.to(port).header("Host", "evil.example.com:8420")
                .header("Origin", "http://evil.example.com:8420").header("Content-Type", "application/json")
                .post("/grind", "{\"command\": \"id > ran.txt\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("status").asString()).isEqualTo("completed");
        assertThat(Files.readString(WORKSPACE.resolve("ran.txt"))).startsWith("uid=");
    }

    @Test
    void everyListedNameIsAnsweredWithAnyPortAndNoOtherIs() {
        assertThat(RawHttp.to(port).header("Host", "vivarium.lan").get("/status").status()).isEqualTo(200);
        assertThat(RawHttp.to(port).header("Host", "EVIL.example.com:1").get("/status").status()).isEqualTo(200);
        assertThat(RawHttp.to(port).header("Host", "localhost:" + port).get("/status").status()).isEqualTo(200);
        assertThat(RawHttp.to(port).header("Host", "other.example.com").get("/status").status()).isEqualTo(403);
        assertThat(RawHttp.to(port).header("Host", "sub.evil.example.com").get("/status").status()).isEqualTo(403);
    }

    @Test
    void aPageOnAListedHostMayChangeStateFromAnyOfItsOrigins() {
        Http.Response listed = RawHttp.to(port).header("Origin", "https://vivarium.lan")
                .header("Sec-Fetch-Site", "cross-site").header("Content-Type", "application/json")
                .post("/tasks", "{\"id\": \"from_lan_page\"}");
        assertThat(listed.status()).as(listed.body()).isEqualTo(201);

        Http.Response unlisted = RawHttp.to(port).header("Origin", "https://other.example.com")
                .header("Content-Type", "application/json").post("/tasks", "{\"id\": \"from_elsewhere\"}");
        assertThat(unlisted.status()).as(unlisted.body()).isEqualTo(403);
        assertThat(Http.at(port).get("/tasks/from_elsewhere").status()).isEqualTo(404);
    }
}
