package io.vivarium.api;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.WorkerIdentity;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliRun;
import io.vivarium.support.Http;
import io.vivarium.support.ServerWorkspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The spend limit over real HTTP: {@code GET/PUT/DELETE /limit}, the spend in {@code /status}, {@code /costs}, the
 * wait reason and the gauges. The server has a limit of its own ({@code vivarium.spend-limit=2.50}) beside the one
 * kept in the workspace.
 */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token=", "vivarium.spend-limit=2.50"})
class SpendApiTest {

    static final Path WORKSPACE = ServerWorkspace.create("spend-api");

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
        assertThat(CliRun.in(WORKSPACE, "limit", "clear").exitCode()).isZero();
    }

    @Test
    void aLimitPutIsKeptInTheWorkspaceAndTheSmallerOfItAndTheServersApplies() {
        Http.Response put = http.put("/limit", "{\"limit\": 5.00}");

        assertThat(put.status()).isEqualTo(200);
        JsonNode body = put.json();
        assertThat(body.get("workspace_limit").asDouble()).isEqualTo(5.0);
        assertThat(body.get("process_limit").asDouble()).isEqualTo(2.5);
        assertThat(body.get("spend_limit").asDouble()).isEqualTo(2.5);
        assertThat(body.get("left").asDouble()).isEqualTo(2.5);
        assertThat(CliRun.in(WORKSPACE, "limit").out()).contains("Spend limit: $5.00, kept in the workspace");

        assertThat(http.put("/limit", "{\"limit\": \"1.25\"}").json().get("spend_limit").asDouble()).isEqualTo(1.25);
        assertThat(http.get("/limit").json().get("workspace_limit").asDouble()).isEqualTo(1.25);

        Http.Response deleted = http.delete("/limit");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().get("workspace_limit").isNull()).isTrue();
        assertThat(deleted.json().get("spend_limit").asDouble()).isEqualTo(2.5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"limit\": -1}", "{\"limit\": \"abc\"}", "{\"limit\": \"NaN\"}", "{\"limit\": \"Infinity\"}",
            "{\"limit\": 1e400}", "{\"limit\": 0.0000001}", "{\"limit\": true}", "{\"limit\": null}", "{}", "[5]",
            "{\"limit\": \"-Infinity\"}", "{\"limit\": 5000000000}"})
    void aLimitThatIsNotADollarAmountIsA400NamingTheFieldAndChangesNothing(String body) throws Exception {
        assertThat(http.put("/limit", "{\"limit\": 3}").status()).isEqualTo(200);
        byte[] before = Files.readAllBytes(WORKSPACE.resolve("execution_log.json"));

        Http.Response r = http.put("/limit", body);

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.contentType()).contains("application/problem+json");
        assertThat(r.json().get("field").asString()).isEqualTo("limit");
        assertThat(r.json().get("detail").asString()).contains("limit");
        assertThat(Files.readAllBytes(WORKSPACE.resolve("execution_log.json"))).isEqualTo(before);
    }

    @Test
    void statusAnswersTheSpendBesideTheCountsAsStatusJsonDoes() {
        new FileTaskStore(WORKSPACE, Clock.systemUTC()).add(List.of(aTask("a").build()));

        JsonNode status = http.get("/status").json();

        assertThat(status.get("total_tasks").asInt()).isEqualTo(1);
        assertThat(status.get("spent").asDouble()).isZero();
        assertThat(status.get("reserved").asDouble()).isZero();
        assertThat(status.get("spend_limit").asDouble()).isEqualTo(2.5);
        assertThat(status.has("waiting_for_budget")).isTrue();
    }

    @Test
    void aTaskThatDoesNotFitSaysItWaitsForBudgetAndTheOverviewCountsIt() {
        FileTaskStore store = new FileTaskStore(WORKSPACE, Clock.systemUTC());
        store.add(List.of(aTask("a").build(), aTask("b").build()));
        http.put("/limit", "{\"limit\": 0.15}");
        store.commit(WorkerIdentity.create(), List.of(), 5);

        JsonNode story = http.get("/tasks/b").json();
        JsonNode overview = http.get("/overview").json();

        assertThat(story.get("status").asString()).isEqualTo("pending");
        assertThat(story.get("waiting").get("kind").asString()).isEqualTo("budget");
        assertThat(story.get("waiting").get("detail").asString())
                .isEqualTo("waits for budget: its cap of $0.10 does not fit in the $0.05 left under the $0.15 spend limit");
        assertThat(overview.get("waiting").get("budget").asInt()).isEqualTo(1);
        assertThat(overview.get("spend").get("reserved").asDouble()).isEqualTo(0.10);
        assertThat(overview.get("spend").get("limit").asDouble()).isEqualTo(0.15);
        assertThat(http.get("/status").json().get("waiting_for_budget").asInt()).isEqualTo(1);
        String metrics = http.get("/actuator/prometheus").body();
        assertThat(metrics).contains("vivarium_spend_limit_dollars 0.15").contains("vivarium_spend_reserved_dollars 0.1");
    }

    @Test
    void costsAnswersTheReportAsCostsJsonDoes() {
        FileTaskStore store = new FileTaskStore(WORKSPACE, Clock.systemUTC());
        store.add(List.of(aTask("a").minBudget(0.07).build()));
        assertThat(CliRun.in(WORKSPACE, "start", "1").exitCode()).isZero();

        JsonNode costs = http.get("/costs").json();

        assertThat(costs.get("spent").asDouble()).isEqualTo(0.07);
        assertThat(costs.get("by_kind").get("empty").get("spent").asDouble()).isEqualTo(0.07);
        assertThat(costs.get("top_tasks").get(0).get("id").asString()).isEqualTo("a");
        assertThat(costs.propertyNames()).containsExactly("spent", "reserved", "spend_limit", "by_day", "by_intensity",
                "by_kind", "tokens", "top_tasks");
    }
}
