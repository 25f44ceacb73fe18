package io.vivarium.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import io.vivarium.support.Http;
import io.vivarium.support.ServerWorkspace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Issue 21's HTTP over a real server: live logs while a {@code start} in this JVM runs the grind, dedup keys. */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token="})
class FlowApiTest {

    static final Path WORKSPACE = ServerWorkspace.create("flow");

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
    }

    @LocalServerPort
    int port;

    @Test
    @Timeout(60)
    void followStreamsEachLineWhileTheGrindRunsAndEndsWithIt() throws Exception {
        CliRun.in(WORKSPACE, "add", "slow", "grind", "--command", "for i in 1 2 3 4; do echo line $i; sleep 0.4; done",
                "--max", "5");
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/tasks/slow/logs?follow=true")).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/plain"));

        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.in(WORKSPACE, "start", "1"));
        List<String> lines = new ArrayList<>();
        Instant firstLine = null;
        Iterator<String> body = response.body().iterator();
        while (body.hasNext()) {
            lines.add(body.next());
            firstLine = firstLine == null ? Instant.now() : firstLine;
        }
        Instant ended = Instant.now();

        assertThat(run.join().exitCode()).isZero();
        assertThat(lines).containsExactly("line 1", "line 2", "line 3", "line 4");
        assertThat(java.time.Duration.between(firstLine, ended).toMillis())
                .as("the first line came while the grind still ran").isGreaterThan(800);
        Http http = Http.at(port);
        assertThat(http.get("/tasks/slow/logs").body()).isEqualTo("line 1\nline 2\nline 3\nline 4\n");
        Http.Response unknown = http.get("/tasks/ghost/logs");
        assertThat(unknown.status()).isEqualTo(404);
    }

    @Test
    void anAddWhoseKeyIsHeldAnswersTheHolderWithTwoHundredNotTwoHundredOne() {
        Http http = Http.at(port);
        Http.Response first = http.post("/tasks", "{\"id\": \"nightly-1\", \"key\": \"nightly\"}");
        Http.Response again = http.post("/tasks", "{\"id\": \"nightly-2\", \"key\": \"nightly\"}");
        Http.Response bad = http.post("/tasks", "{\"id\": \"x\", \"key\": \"  \"}");

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get(0).get("task").get("id").asString()).isEqualTo("nightly-1");
        assertThat(again.json().get(0).get("task").get("key").asString()).isEqualTo("nightly");
        assertThat(http.get("/tasks/nightly-2").status()).isEqualTo(404);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("key");
    }

    @Test
    void pruneOverHttpRemovesFinishedTasksAndRefusesAStateThatIsNotFinished() {
        Http http = Http.at(port);
        CliRun.in(WORKSPACE, "add", "prune-me", "grind");
        CliRun.in(WORKSPACE, "start", "1");

        Http.Response bad = http.post("/tasks/prune", "{\"status\": [\"pending\"]}");
        Http.Response badAge = http.post("/tasks/prune", "{\"older_than\": \"later\"}");
        Http.Response pruned = http.post("/tasks/prune", "{\"status\": [\"completed\"]}");

        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("status");
        assertThat(badAge.status()).isEqualTo(400);
        assertThat(badAge.body()).contains("older_than");
        assertThat(pruned.status()).isEqualTo(200);
        assertThat(pruned.json().get("pruned").toString()).contains("prune-me");
        assertThat(http.get("/tasks/prune-me").status()).isEqualTo(404);
    }
}
