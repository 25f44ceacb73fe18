package io.vivarium.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import io.vivarium.support.Http;
import io.vivarium.support.ServerWorkspace;
import io.vivarium.support.WorkspaceFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Time over HTTP: POST /tasks takes run_at, every, cron, tz and timeout_seconds; POST /grind takes a timeout. */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token="})
class TimeApiTest {

    static final Path WORKSPACE = ServerWorkspace.create("time-api");

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
    }

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void emptyWorkspace() {
        http = Http.at(port);
        assertThat(CliRun.in(WORKSPACE, "clear").exitCode()).isZero();
    }

    @Test
    void theTimeFieldsAreTakenAndKept() {
        Http.Response added = http.post("/tasks", """
                [{"id": "later", "run_at": "2030-12-05T09:00:00+01:00", "timeout_seconds": 600},
                 {"id": "nightly", "cron": "0 3 * * *", "tz": "Europe/Berlin"},
                 {"id": "often", "every": "10m"}]""");

        assertThat(added.status()).as(added.body()).isEqualTo(201);
        JsonNode tasks = WorkspaceFiles.queue(WORKSPACE).get("tasks");
        assertThat(tasks.get(0).get("run_at").asString()).isEqualTo("2030-12-05T08:00:00.000000+00:00");
        assertThat(tasks.get(0).get("timeout_seconds").asLong()).isEqualTo(600);
        // A cron task is stamped with its first occurrence when it is added.
        assertThat(tasks.get(1).get("run_at").asString()).endsWith("T02:00:00.000000+00:00");
        assertThat(tasks.get(2).get("every").asString()).isEqualTo("10m");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"id\": \"t\", \"run_at\": \"next tuesday\"}|run_at",
            "{\"id\": \"t\", \"every\": \"often\"}|every",
            "{\"id\": \"t\", \"every\": \"0s\"}|every",
            "{\"id\": \"t\", \"cron\": \"61 * * * *\"}|cron",
            "{\"id\": \"t\", \"cron\": \"@daily\", \"tz\": \"Mars/Olympus\"}|tz",
            "{\"id\": \"t\", \"every\": \"1m\", \"cron\": \"@daily\"}|cron",
            "{\"id\": \"t\", \"timeout_seconds\": 0}|timeout_seconds",
            "{\"id\": \"t\", \"timeout_seconds\": \"soon\"}|timeout_seconds"})
    void badTimesDurationsAndExpressionsAreProblemsNamingTheFieldAndWriteNothing(String body, String field) {
        http.post("/tasks", "{\"id\": \"keep\"}");
        byte[] queue = WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"));

        Http.Response r = http.post("/tasks", body);

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("field").asString()).isEqualTo(field);
        assertThat(WorkspaceFiles.bytes(WORKSPACE.resolve("queue.json"))).isEqualTo(queue);
    }

    @Test
    void aGrindPastItsTimeoutFailsTimedOut() {
        Instant start = Instant.now();
        JsonNode body = http.post("/grind", "{\"command\": \"sleep 60\", \"max_budget\": 5, \"timeout\": 1}").json();

        assertThat(body.get("status").asString()).isEqualTo("failed");
        assertThat(body.get("error").asString()).isEqualTo("timed out after 1s");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aScheduledTaskWaitsWithItsReasonAndIsCountedApart() {
        http.post("/tasks", "[{\"id\": \"later\", \"run_at\": \"" + Instant.now().plus(Duration.ofHours(2))
                + "\"}, {\"id\": \"now\"}]");

        JsonNode waiting = http.get("/tasks/later").json().get("waiting");
        assertThat(waiting.get("kind").asString()).isEqualTo("scheduled");
        assertThat(waiting.get("detail").asString()).matches("starts at .+ \\(in (1h 59m|2h)\\)");
        assertThat(waiting.get("until")).isNotNull();
        String metrics = http.get("/actuator/prometheus").body();
        assertThat(metrics).containsPattern("vivarium_tasks\\{[^}]*state=\"scheduled\"[^}]*\\} 1\\.0")
                .containsPattern("vivarium_tasks\\{[^}]*state=\"pending\"[^}]*\\} 1\\.0");
    }
}
