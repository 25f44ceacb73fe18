package io.vivarium.cli;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliRun;
import io.vivarium.support.WorkspaceFiles;
import io.vivarium.task.Intensity;
import io.vivarium.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code limit}, {@code costs}, {@code status}'s spend and {@code start}'s exit code 3, through the real CLI. */
class SpendCommandsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path workspace;

    private FileTaskStore store() {
        return new FileTaskStore(workspace, Clock.systemUTC());
    }

    @Test
    void aLimitSetIsKeptInTheLogShownAndRemoved() {
        CliRun set = CliRun.in(workspace, "limit", "set", "5.00");

        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).contains("Spend limit set to $5.00");
        assertThat(WorkspaceFiles.log(workspace).get("spend_limit").asDouble()).isEqualTo(5.0);
        CliRun shown = CliRun.in(workspace, "limit");
        assertThat(shown.out()).contains("Spend limit: $5.00, kept in the workspace")
                .contains("Spend: $0.00 of $5.00 limit; $0.00 reserved; no task waits for budget")
                .contains("Left for new claims: $5.00");
        assertThat(CliRun.in(workspace, "limit", "show").out()).isEqualTo(shown.out());

        CliRun cleared = CliRun.in(workspace, "limit", "clear");

        assertThat(cleared.exitCode()).isZero();
        assertThat(WorkspaceFiles.log(workspace).has("spend_limit")).isFalse();
        assertThat(CliRun.in(workspace, "limit").out()).contains("Spend limit: none kept in the workspace");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "abc", "NaN", "Infinity", "-Infinity", "1e400", "5.0000001", "0x10", "5d", "", "$-3",
            "2000000000"})
    void aLimitThatIsNotADollarAmountIsOneLineExitTwoAndChangesNothing(String bad) throws Exception {
        assertThat(CliRun.in(workspace, "limit", "set", "1.50").exitCode()).isZero();
        byte[] before = Files.readAllBytes(workspace.resolve("execution_log.json"));

        CliRun run = CliRun.in(workspace, "limit", "set", bad);

        assertThat(run.exitCode()).isEqualTo(Cli.INPUT_ERROR);
        assertThat(run.errLines()).as(run.err()).hasSize(1);
        assertThat(run.err()).startsWith("vivarium limit set: ").doesNotContain("Exception");
        assertThat(run.out()).isEmpty();
        assertThat(Files.readAllBytes(workspace.resolve("execution_log.json"))).isEqualTo(before);
    }

    @Test
    void aBadLimitSaysWhatADollarAmountIs() {
        CliRun run = CliRun.in(workspace, "limit", "set", "abc");

        assertThat(run.err().strip()).isEqualTo("vivarium limit set: DOLLARS must be a dollar amount of 0 or more with"
                + " at most 6 decimal places, such as 5.00 (got 'abc')");
        assertThat(Files.exists(workspace.resolve("execution_log.json"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"start", "worker run", "serve --port 0", "status", "costs", "limit show"})
    void aBadSpendLimitFlagOrVariableIsOneLineExitTwo(String verb) {
        store().add(List.of(aTask("a").build()));
        String[] args = (verb + " --spend-limit NaN").split(" ");

        CliRun flag = CliRun.in(workspace, args);
        CliRun variable = CliRun.in(workspace, Map.of("VIVARIUM_SPEND_LIMIT", "-2"), verb.split(" "));

        assertThat(flag.exitCode()).isEqualTo(Cli.INPUT_ERROR);
        assertThat(flag.errLines()).hasSize(1);
        assertThat(flag.err()).contains("--spend-limit (or VIVARIUM_SPEND_LIMIT) must be a dollar amount")
                .contains("(got 'NaN')");
        assertThat(variable.exitCode()).isEqualTo(Cli.INPUT_ERROR);
        assertThat(variable.err()).contains("(got '-2')");
        assertThat(store().find("a").orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
    }

    @Test
    void startStopsWithExitCodeThreeWhenTheTasksLeftWaitForBudget() {
        // Empty grinds cost their min ($0.05) and reserve their max ($0.10): under $0.25 the fourth claim is the
        // last that fits (0.15 spent + 0.10), and the fifth task waits.
        store().add(IntStream.range(0, 5).mapToObj(i -> aTask("t" + i).build()).toList());
        assertThat(CliRun.in(workspace, "limit", "set", "0.25").exitCode()).isZero();

        CliRun start = CliRun.in(workspace, "start", "4");

        assertThat(start.exitCode()).as(start.out() + start.err()).isEqualTo(Cli.SPEND_LIMIT_REACHED);
        assertThat(start.out()).contains("Spend: $0.20 of $0.25 limit; $0.00 reserved; 1 task waits for budget")
                .contains("Stopped at the spend limit: 1 task waits for budget");
        assertThat(store().summary().completed()).isEqualTo(4);
        assertThat(store().summary().pending()).isEqualTo(1);
        JsonNode log = WorkspaceFiles.log(workspace);
        assertThat(log.get("spent").asDouble()).isEqualTo(0.20);
        assertThat(log.get("reserved").asDouble()).isZero();

        CliRun more = CliRun.in(workspace, "worker", "run");
        assertThat(more.exitCode()).isEqualTo(Cli.SPEND_LIMIT_REACHED);

        assertThat(CliRun.in(workspace, "limit", "set", "1").exitCode()).isZero();
        CliRun rest = CliRun.in(workspace, "start", "2");
        assertThat(rest.exitCode()).as(rest.out()).isEqualTo(Cli.OK);
        assertThat(store().summary().completed()).isEqualTo(5);
    }

    @Test
    void aProcessLimitAppliesBesideTheWorkspacesAndTheSmallerWins() {
        store().add(IntStream.range(0, 5).mapToObj(i -> aTask("t" + i).build()).toList());
        assertThat(CliRun.in(workspace, "limit", "set", "5").exitCode()).isZero();

        CliRun start = CliRun.in(workspace, Map.of("VIVARIUM_SPEND_LIMIT", "0.15"), "start", "1");

        assertThat(start.exitCode()).isEqualTo(Cli.SPEND_LIMIT_REACHED);
        assertThat(store().summary().completed()).isEqualTo(2);
        assertThat(start.out()).contains("of $0.15 limit (this process's --spend-limit)");
        assertThat(CliRun.in(workspace, "status").out()).contains("Spend: $0.10 of $5.00 limit;");
        WorkspaceFiles.write(workspace.resolve(".env"), "VIVARIUM_SPEND_LIMIT=0.12\n");
        assertThat(CliRun.in(workspace, Map.of(), "status").out())
                .contains("Spend: $0.10 of $0.12 limit (this process's --spend-limit); $0.00 reserved; 3 tasks wait");
    }

    @Test
    void statusShowsTheSpendLineAndItsJsonHasTheLedger() {
        store().add(IntStream.range(0, 3).mapToObj(i -> aTask("t" + i).build()).toList());
        assertThat(CliRun.in(workspace, "limit", "set", "0.10").exitCode()).isZero();
        assertThat(CliRun.in(workspace, "start", "1").exitCode()).isEqualTo(Cli.SPEND_LIMIT_REACHED);

        assertThat(CliRun.in(workspace, "status").out())
                .contains("Spend: $0.05 of $0.10 limit; $0.00 reserved; 2 tasks wait for budget");
        JsonNode json = JSON.readTree(CliRun.in(workspace, "status", "--json").out());
        assertThat(json.get("total_tasks").asInt()).isEqualTo(3);
        assertThat(json.get("spent").asDouble()).isEqualTo(0.05);
        assertThat(json.get("reserved").asDouble()).isZero();
        assertThat(json.get("spend_limit").asDouble()).isEqualTo(0.10);
        assertThat(json.get("waiting_for_budget").asInt()).isEqualTo(2);
        assertThat(CliRun.in(workspace, "start", "--dry-run").out())
                .contains("t1                       waits for budget: needs $0.10 of the limit");
    }

    @Test
    void withoutALimitStatusSaysSoAndNullsTheLimit() {
        CliRun json = CliRun.in(workspace, "status", "--json");

        assertThat(json.out()).contains("\"spend_limit\": null");
        assertThat(CliRun.in(workspace, "status").out()).contains("Spend: $0.00 (no limit); $0.00 reserved;");
    }

    @Test
    void costsGroupsEveryAttemptsSpendByDayIntensityAndKindAndListsTheDearestTasks() {
        store().add(List.of(aTask("cheap").intensity(Intensity.LOW).minBudget(0.01).build(),
                aTask("dear").intensity(Intensity.HIGH).minBudget(0.09).build(),
                aTask("cmd").command("true").minBudget(0.02).build()));
        assertThat(CliRun.in(workspace, "start", "2").exitCode()).isZero();

        CliRun text = CliRun.in(workspace, "costs");
        JsonNode json = JSON.readTree(CliRun.in(workspace, "costs", "--json").out());

        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("By day (UTC):", "By intensity:", "By kind of grind:", "Tokens of prompt grinds:",
                "Most expensive tasks:");
        assertThat(json.get("spent").asDouble()).isEqualTo(0.12);
        assertThat(json.get("by_day")).hasSize(1);
        assertThat(json.get("by_day").get(0).get("spent").asDouble()).isEqualTo(0.12);
        assertThat(json.get("by_intensity").get("high").get("spent").asDouble()).isEqualTo(0.09);
        assertThat(json.get("by_intensity").get("low").get("spent").asDouble()).isEqualTo(0.01);
        assertThat(json.get("by_kind").get("empty").get("tasks").asInt()).isEqualTo(2);
        assertThat(json.get("by_kind").get("command").get("spent").asDouble()).isEqualTo(0.02);
        assertThat(json.get("tokens").get("input_price_per_million").asDouble()).isEqualTo(0.88);
        assertThat(json.get("top_tasks")).extracting(t -> t.get("id").asString()).containsExactly("dear", "cmd", "cheap");
    }
}
