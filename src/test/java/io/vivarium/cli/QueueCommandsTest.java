package io.vivarium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.WorkspaceJson;
import io.vivarium.support.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code queue}, {@code queue set/pause/resume}, {@code pause}, {@code resume} through the CLI, in this JVM. */
class QueueCommandsTest {

    @TempDir
    Path workspace;

    @Test
    void setListPauseAndResumeAQueue() throws Exception {
        CliRun.in(workspace, "add", "unit", "grind", "--command", "true", "--queue", "tests");
        CliRun.in(workspace, "add", "ask", "grind", "--prompt", "say hi");
        CliRun set = CliRun.in(workspace, "queue", "set", "tests", "--concurrency", "1", "--rate", "3/s");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).contains("Queue tests: concurrency 1, rate 3/s");

        CliRun list = CliRun.in(workspace, "queue");
        assertThat(list.out()).containsPattern("QUEUE +PENDING +RUNNING +COMPLETED +FAILED +CONCURRENCY +RATE +STATE")
                .containsPattern("\ndefault +0 +0 +0 +0 +- +- +running\n")
                .containsPattern("\nllm +1 +0 +0 +0 +- +- +running\n")
                .containsPattern("\ntests +1 +0 +0 +0 +1 +3/s +running\n");

        CliRun.in(workspace, "queue", "set", "tests", "--rate", "none");
        assertThat(CliRun.in(workspace, "queue").out()).as("what is not named stays; none lifts")
                .containsPattern("\ntests +1 +0 +0 +0 +1 +- +running\n");

        assertThat(CliRun.in(workspace, "queue", "pause", "tests").out()).contains("Queue tests paused");
        assertThat(CliRun.in(workspace, "show", "unit").out()).contains("queue tests, medium priority")
                .contains("queue 'tests' is paused");
        CliRun start = CliRun.in(workspace, "start", "2", "--dry-run");
        assertThat(start.out()).containsPattern("unit +queue 'tests' is paused");

        assertThat(CliRun.in(workspace, "queue", "resume", "tests").out()).contains("Queue tests resumed.");
        JsonNode json = WorkspaceJson.mapper().readTree(CliRun.in(workspace, "queue", "list", "--json").out());
        assertThat(json.get("paused").asBoolean()).isFalse();
        assertThat(json.get("queues").get(2).get("name").asString()).isEqualTo("tests");
        assertThat(json.get("queues").get(2).get("limits").get("concurrency").asInt()).isEqualTo(1);
        assertThat(json.get("queues").get(2).get("tasks").get("pending").asInt()).isEqualTo(1);
    }

    @Test
    void pauseAndResumeTheWholeWorkspace() {
        CliRun.in(workspace, "add", "a", "grind");
        assertThat(CliRun.in(workspace, "pause").out()).contains("nothing new starts until 'vivarium resume'");
        assertThat(CliRun.in(workspace, "queue").out()).startsWith("The workspace is paused")
                .containsPattern("\ndefault +1 +0 +0 +0 +- +- +paused \\(workspace\\)\n");
        assertThat(CliRun.in(workspace, "pause").out()).contains("already paused");
        assertThat(CliRun.in(workspace, "resume").out()).startsWith("Resumed ");
        assertThat(CliRun.in(workspace, "resume").out()).contains("was not paused");
        assertThat(CliRun.in(workspace, "start", "1").exitCode()).isZero();
    }

    @Test
    void badInputIsOneLineWithExitCodeTwoAndChangesNothing() throws Exception {
        CliRun.in(workspace, "add", "a", "grind", "--queue", "tests");
        CliRun.in(workspace, "queue", "set", "tests", "--concurrency", "2");
        byte[] before = Files.readAllBytes(workspace.resolve("queue.json"));

        assertOneLine(CliRun.in(workspace, "queue", "set", "tests", "--rate", "0/min"), "--rate: rate must allow");
        assertOneLine(CliRun.in(workspace, "queue", "set", "tests", "--rate", "often"), "--rate: rate must be N/PERIOD");
        assertOneLine(CliRun.in(workspace, "queue", "set", "tests", "--concurrency", "-1"),
                "--concurrency: concurrency must be from 1");
        assertOneLine(CliRun.in(workspace, "queue", "set", "tests", "--concurrency", "two"),
                "--concurrency: concurrency must be a whole number");
        assertOneLine(CliRun.in(workspace, "queue", "set", "tests"), "name a limit to set");
        assertOneLine(CliRun.in(workspace, "queue", "set", "no/slash", "--concurrency", "1"), "invalid queue name");
        assertOneLine(CliRun.in(workspace, "queue", "resume", "nope"), "no queue 'nope'");
        assertOneLine(CliRun.in(workspace, "add", "b", "grind", "--queue", "../x"), "--queue: invalid queue name");
        assertOneLine(CliRun.in(workspace, "list", "--queue", "a b"), "--queue: invalid queue name");

        assertThat(Files.readAllBytes(workspace.resolve("queue.json"))).as("nothing changed").isEqualTo(before);
    }

    private static void assertOneLine(CliRun run, String message) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
        assertThat(run.err()).contains(message);
    }
}
