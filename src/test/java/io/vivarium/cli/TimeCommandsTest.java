package io.vivarium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import io.vivarium.support.Processes;
import io.vivarium.support.WorkspaceFiles;
import io.vivarium.task.Timestamps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** add's time flags, and a grind's time limit, through the real CLI on real files and processes. */
class TimeCommandsTest {

    @TempDir
    Path workspace;

    @Test
    void aGrindPastItsTimeoutIsKilledWithItsProcessTreeAndFailsTimedOut() throws Exception {
        CliRun add = CliRun.in(workspace, "add", "hung", "grind", "--command",
                "sleep 60 & echo $! > child.pid; sleep 60", "--timeout", "1s", "--max", "5", "--max-attempts", "1");
        assertThat(add.exitCode()).as(add.err()).isZero();

        CliRun start = CliRun.in(workspace, "start", "1");

        assertThat(start.exitCode()).isEqualTo(1);
        var entry = WorkspaceFiles.log(workspace).get("tasks").get("hung");
        assertThat(entry.get("status").asString()).isEqualTo("failed");
        assertThat(entry.get("error").asString()).isEqualTo("timed out after 1s");
        Duration ran = Duration.between(Timestamps.parse(entry.get("started_at").asString()),
                Timestamps.parse(entry.get("completed_at").asString()));
        assertThat(ran).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        long child = Long.parseLong(Files.readString(workspace.resolve("child.pid")).strip());
        assertThat(Processes.isRunning(child)).as("background child").isFalse();
    }

    @Test
    void aTimedOutGrindIsRetriedLikeAnyFailureWhateverItsBudget() {
        CliRun.in(workspace, "add", "slow", "grind", "--command", "sleep 60", "--timeout", "1s", "--max", "50",
                "--max-attempts", "2");

        CliRun.in(workspace, "start", "1");

        var entry = WorkspaceFiles.log(workspace).get("tasks").get("slow");
        assertThat(entry.get("attempts").asInt()).isEqualTo(2);
        assertThat(entry.get("error").asString()).isEqualTo("timed out after 1s");
    }

    @Test
    void theTimeFlagsLandInTheQueue() {
        Instant before = Instant.now();
        CliRun later = CliRun.in(workspace, "add", "later", "grind", "--in", "2h");
        CliRun at = CliRun.in(workspace, "add", "at", "grind", "--at", "2030-12-05 09:00", "--tz", "Europe/Berlin");
        CliRun nightly = CliRun.in(workspace, "add", "nightly", "grind", "--cron", "0 3 * * *", "--tz",
                "Europe/Berlin", "--timeout", "10m");
        CliRun often = CliRun.in(workspace, "add", "often", "grind", "--every", "90m");

        assertThat(later.exitCode()).as(later.err()).isZero();
        assertThat(later.out()).contains("starts at").contains("(in 2h)");
        assertThat(nightly.out()).contains("cron 0 3 * * * (Europe/Berlin)").contains("timeout 10m");
        var tasks = WorkspaceFiles.queue(workspace).get("tasks");
        Instant runAt = Timestamps.parse(tasks.get(0).get("run_at").asString());
        assertThat(runAt).isBetween(before.plus(Duration.ofHours(2)), Instant.now().plus(Duration.ofHours(2)));
        assertThat(Timestamps.parse(tasks.get(1).get("run_at").asString()))
                .isEqualTo(Instant.parse("2030-12-05T08:00:00Z"));
        assertThat(tasks.get(2).get("cron").asString()).isEqualTo("0 3 * * *");
        assertThat(tasks.get(2).get("tz").asString()).isEqualTo("Europe/Berlin");
        assertThat(tasks.get(2).get("timeout_seconds").asLong()).isEqualTo(600);
        assertThat(tasks.get(2).get("run_at").asString()).endsWith("T02:00:00.000000+00:00");
        assertThat(tasks.get(3).get("every").asString()).isEqualTo("1h30m");
        // Its grid of occurrences starts when it was added.
        assertThat(Timestamps.parse(tasks.get(3).get("run_at").asString())).isBetween(before, Instant.now());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--in|soon|in",
            "--at|tomorrow morning|run_at",
            "--every|0s|every",
            "--cron|61 * * * *|cron",
            "--cron|@sometimes|cron",
            "--timeout|forever|timeout",
            "--tz|Mars/Olympus|tz"})
    void badTimesDurationsAndExpressionsAreOneLineExitTwoAndWriteNothing(String flag, String value, String field) {
        CliRun add = CliRun.in(workspace, "add", "t", "grind", flag, value);

        assertThat(add.exitCode()).isEqualTo(2);
        assertThat(add.errLines()).hasSize(1);
        assertThat(add.err()).contains(field);
        assertThat(workspace.resolve("queue.json")).doesNotExist();
    }

    @Test
    void everyAndCronTogetherOrAtAndInTogetherAreRefused() {
        assertThat(CliRun.in(workspace, "add", "t", "grind", "--every", "1m", "--cron", "@daily").exitCode())
                .isEqualTo(2);
        assertThat(CliRun.in(workspace, "add", "t", "grind", "--in", "1m", "--at", "2030-01-01T00:00Z").exitCode())
                .isEqualTo(2);
        assertThat(workspace.resolve("queue.json")).doesNotExist();
    }

    @Test
    void startRunsWhatIsDueThenStopsSayingWhenTheNextTaskIsDueAndThatIsNoFailure() {
        CliRun.in(workspace, "add", "now", "grind");
        CliRun.in(workspace, "add", "tomorrow", "grind", "--in", "1d");
        CliRun.in(workspace, "add", "after", "grind", "--depends-on", "tomorrow");

        CliRun start = CliRun.in(workspace, "start", "2");

        assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
        assertThat(start.out()).contains("Scheduled: 1 task waits for its time; next: tomorrow starts at")
                .contains("(in 23h 59m)");
        var tasks = WorkspaceFiles.log(workspace).get("tasks");
        assertThat(tasks.get("now").get("status").asString()).isEqualTo("completed");
        assertThat(tasks.has("tomorrow")).isFalse();
        assertThat(CliRun.in(workspace, "status").out()).contains("next: tomorrow starts at");
    }

    @Test
    void startWaitsForWhatFallsDueWhileItRunsAndWithWaitForWhatFallsDueLater() {
        CliRun.in(workspace, "add", "slow", "grind", "--command", "sleep 2", "--max", "1");
        CliRun.in(workspace, "add", "soon", "grind", "--in", "1s");

        assertThat(CliRun.in(workspace, "start", "2").exitCode()).isZero();
        assertThat(WorkspaceFiles.log(workspace).get("tasks").get("soon").get("status").asString())
                .isEqualTo("completed");

        CliRun.in(workspace, "add", "later", "grind", "--in", "2s");
        CliRun.in(workspace, "add", "beat", "grind", "--every", "1h");
        CliRun waited = CliRun.in(workspace, "start", "2", "--wait");
        assertThat(waited.exitCode()).as(waited.out()).isZero();
        var tasks = WorkspaceFiles.log(workspace).get("tasks");
        assertThat(tasks.get("later").get("status").asString()).isEqualTo("completed");
        // The recurring task ran once and waits for its next occurrence; --wait does not wait for it.
        assertThat(tasks.get("beat").get("status").asString()).isEqualTo("pending");
        assertThat(tasks.get("beat").get("runs")).hasSize(1);
    }

    @Test
    void theDryRunSaysWhenAScheduledTaskStarts() {
        CliRun.in(workspace, "add", "later", "grind", "--in", "2h");

        assertThat(CliRun.in(workspace, "start", "--dry-run").out()).containsPattern("later\\s+starts at \\d\\d:\\d\\d");
    }
}
