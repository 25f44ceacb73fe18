package io.vivarium.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.Http;
import io.vivarium.support.ServerWorkspace;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A server on PostgreSQL whose database stops under it. Its own embedded PostgreSQL, not the suite's shared one,
 * because the test stops it: health turns DOWN (503) and every request fails in about a second with a 503 that
 * names the unreachable store, where the pool used to hold each for ten seconds while health said UP.
 */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token="})
class PostgresOutageTest {

    static final Path WORKSPACE = ServerWorkspace.create("postgres-outage");
    static final EmbeddedPostgres POSTGRES = start();

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
        registry.add("vivarium.store.url",
                () -> "postgresql://127.0.0.1:" + POSTGRES.getPort() + "/postgres?user=postgres");
    }

    @LocalServerPort
    int port;

    @Test
    void healthIsDownAndRequestsFailFastWhilePostgresIsStopped() throws Exception {
        Http http = Http.at(port);
        assertThat(http.get("/actuator/health").status()).isEqualTo(200);
        assertThat(http.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(http.post("/tasks", "{\"id\": \"before\"}").status()).isEqualTo(201);

        POSTGRES.close();

        Timed health = timed(() -> http.get("/actuator/health"));
        assertThat(health.response().status()).isEqualTo(503);
        assertThat(health.response().json().get("status").asString()).isEqualTo("DOWN");
        assertThat(health.millis()).as("ms for health to answer").isLessThan(3000);
        assertThat(http.get("/actuator/health/readiness").status()).isEqualTo(503);
        assertThat(http.get("/actuator/health/liveness").status()).isEqualTo(200);

        for (Supplier<Http.Response> request : java.util.List.<Supplier<Http.Response>>of(
                () -> http.get("/status"), () -> http.get("/tasks"), () -> http.get("/tasks/before"),
                () -> http.post("/tasks", "{\"id\": \"during\"}"))) {
            Timed answer = timed(request);
            assertThat(answer.response().status()).as(answer.response().body()).isEqualTo(503);
            assertThat(answer.response().contentType()).startsWith("application/problem+json");
            assertThat(answer.response().json().get("detail").asString())
                    .startsWith("cannot reach the PostgreSQL store").doesNotContain("password")
                    // the driver's own words: refused once it is down, "terminating connection" while it goes down
                    .containsAnyOf("refused", "terminating connection");
            assertThat(answer.millis()).as("ms for a request to fail").isLessThan(3000);
        }
    }

    private record Timed(Http.Response response, long millis) {
    }

    private static Timed timed(Supplier<Http.Response> request) {
        long start = System.nanoTime();
        Http.Response response = request.get();
        return new Timed(response, (System.nanoTime() - start) / 1_000_000);
    }

    private static EmbeddedPostgres start() {
        try {
            return EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
