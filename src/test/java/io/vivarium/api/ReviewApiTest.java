package io.vivarium.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import io.vivarium.support.UserRepo;
import io.vivarium.support.Http;
import io.vivarium.support.ServerWorkspace;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Code grinds over HTTP: adding one, the changes waiting, a diff, accept and reject. */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token="})
class ReviewApiTest {

    static final Path WORKSPACE = ServerWorkspace.create("review-api");

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
    }

    @LocalServerPort
    int port;

    @Test
    void aChangeIsReviewedOverHttp() {
        Http http = Http.at(port);
        String task = "{\"id\": \"%s\", \"worktree\": true, \"description\": \"Fix %s\", \"command\": \"%s\"}";

        Http.Response notRepo = http.post("/tasks", task.formatted("fix_add", "add", "true"));
        assertThat(notRepo.status()).isEqualTo(400);
        assertThat(notRepo.json().get("field").asString()).isEqualTo("worktree");

        UserRepo repo = UserRepo.init(WORKSPACE);
        repo.write("calc.py", "def add(a, b):\n    return a - b\n");
        repo.commitAll("first");
        assertThat(http.post("/tasks", task.formatted("fix_add", "add", "sed -i 's/a - b/a + b/' calc.py")).status())
                .isEqualTo(201);
        assertThat(http.post("/tasks", task.formatted("other", "other", "echo '# x' >> calc.py")).status())
                .isEqualTo(201);
        assertThat(CliRun.in(WORKSPACE, "start", "2").exitCode()).isZero();

        JsonNode listed = http.get("/tasks").json();
        assertThat(listed.toString()).contains("\"branch\":\"vivarium/fix_add\"").doesNotContain("\"patch\"");
        assertThat(http.get("/tasks/fix_add").json().get("run").get("patch").asString()).contains("+    return a + b");

        JsonNode waiting = http.get("/reviews").json();
        assertThat(waiting).hasSize(2);
        assertThat(waiting.get(0).get("id").asString()).isEqualTo("fix_add");
        assertThat(waiting.get(0).get("changes").get("insertions").asInt()).isEqualTo(1);
        assertThat(waiting.get(0).get("check").get("passed").asBoolean()).isTrue();

        Http.Response diff = http.get("/tasks/fix_add/diff");
        assertThat(diff.status()).isEqualTo(200);
        assertThat(diff.contentType()).startsWith("text/x-diff");
        assertThat(diff.body()).contains("+    return a + b");

        Http.Response accepted = http.post("/tasks/fix_add/accept", null);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.json().get("into").asString()).isEqualTo("main");
        assertThat(repo.read("calc.py")).contains("a + b");
        assertThat(http.post("/tasks/fix_add/accept", null).status()).isEqualTo(409);

        Http.Response rejected = http.post("/tasks/other/reject", "{\"retry\": true, \"feedback\": \"not this\"}");
        assertThat(rejected.status()).as(rejected.body()).isEqualTo(200);
        assertThat(rejected.json().get("status").asString()).isEqualTo("pending");
        assertThat(http.get("/tasks/other").json().toString()).contains("\"review\":\"rejected\"");
        assertThat(http.get("/reviews").json()).isEmpty();
        assertThat(http.get("/tasks/nope/diff").status()).isEqualTo(404);
    }
}
