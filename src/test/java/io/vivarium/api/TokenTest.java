package io.vivarium.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.Http;
import io.vivarium.support.RawHttp;
import io.vivarium.support.ServerWorkspace;
import io.vivarium.support.WorkspaceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token=s3cret-token"})
class TokenTest {

    static final Path WORKSPACE = ServerWorkspace.create("token");

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
    }

    @LocalServerPort
    int port;

    @Test
    void withoutTheTokenNothingIsServedAndNothingChanges() {
        Http anonymous = Http.at(port);
        Path queue = WORKSPACE.resolve("queue.json");
        String before = Files.exists(queue) ? WorkspaceFiles.queue(WORKSPACE).toString() : "";

        for (Http.Response r : new Http.Response[] {anonymous.get("/status"), anonymous.post("/tasks", "{\"id\": \"a\"}"),
                anonymous.post("/grind", null), anonymous.withToken("wrong").get("/status"),
                anonymous.withToken("s3cret-token-and-more").get("/status"), anonymous.get("/actuator/prometheus"),
                anonymous.get("/v3/api-docs")}) {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.body()).doesNotContain("s3cret");
        }
        assertThat(Files.exists(queue) ? WorkspaceFiles.queue(WORKSPACE).toString() : "").isEqualTo(before);
        assertThat(before).doesNotContain("\"a\"");
        assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
    }

    @Test
    void withTheTokenEverythingWorks() {
        Http authorized = Http.at(port).withToken("s3cret-token");

        assertThat(authorized.post("/tasks", "{\"id\": \"with_token\"}").status()).isEqualTo(201);
        assertThat(authorized.get("/status").json().get("total_tasks").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(WorkspaceFiles.queue(WORKSPACE).toString()).contains("with_token");
        assertThat(authorized.post("/grind", null).json().get("status").asString()).isEqualTo("completed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bearer s3cret-token", "BEARER s3cret-token", "bEaReR s3cret-token", "Bearer   s3cret-token"})
    void theSchemeIsMatchedInAnyCase(String authorization) {
        Http.Response r = RawHttp.to(port).header("Authorization", authorization).get("/status");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3cret-token", "Bearers3cret-token", "Basic s3cret-token", "Bearer S3CRET-TOKEN",
            "bearer s3cret-toke", "Bearer", "Bearer ", "Token s3cret-token"})
    void anythingButTheTokenAfterTheSchemeIsRefused(String authorization) {
        Http.Response r = RawHttp.to(port).header("Authorization", authorization).get("/status");

        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.body()).doesNotContain("s3cret");
    }

    @Test
    void withTheTokenAnyHostIsAnsweredAndWithoutItNothingRuns() throws Exception {
        Path ran = WORKSPACE.resolve("ran.txt");
        Files.deleteIfExists(ran);
        RawHttp rebound = RawHttp.to(port).header("Host", "evil.example.com:8420")
                .header("Origin", "http://evil.example.com:8420").header("Content-Type", "application/json");

        Http.Response refused = rebound.header("Authorization", "Bearer wrong").post("/grind", "{\"command\": \"id > ran.txt\"}");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(ran).doesNotExist();

        Http.Response allowed = rebound.header("Authorization", "Bearer s3cret-token")
                .post("/grind", "{\"command\": \"id > ran.txt\"}");
        assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
        assertThat(Files.readString(ran)).startsWith("uid=");
    }

    @Test
    void theTokenDoesNotLetAnotherOriginChangeState() {
        Http.Response r = RawHttp.to(port).header("Authorization", "Bearer s3cret-token")
                .header("Origin", "http://evil.example.com").header("Content-Type", "application/json")
                .post("/tasks", "{\"id\": \"planted\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(Http.at(port).withToken("s3cret-token").get("/tasks/planted").status()).isEqualTo(404);
    }
}
