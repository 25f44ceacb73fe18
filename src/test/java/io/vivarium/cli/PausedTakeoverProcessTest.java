package io.vivarium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pause stops new starts, not recovery: a pool in a paused workspace still takes over the claim of a worker that
 * died (so its task is pending again, its attempt counted, and no dead claim holds its place), starts nothing while
 * paused, and runs the task once resumed. Real JVMs; the first is killed with SIGKILL.
 */
class PausedTakeoverProcessTest {

    @TempDir
    Path workspace;

    @TempDir
    Path scratch;

    @Test
    void aPausedWorkspaceStillTakesOverADeadWorkersTaskAndStartsItOnlyAfterTheResume() throws Exception {
        Path begun = scratch.resolve("begun");
        CliRun.in(workspace, "add", "long", "grind", "--command",
                "if [ -f " + begun + " ]; then exit 0; fi; touch " + begun + "; sleep 60");
        CliProcess first = CliProcess.start(scratch.resolve("first.out"), "start", "1", "-w", workspace.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(begun));
        assertThat(CliRun.in(workspace, "pause").exitCode()).isZero();
        first.signal("KILL");
        first.waitFor(30);

        CliProcess second = CliProcess.start(scratch.resolve("second.out"), "start", "1", "-w", workspace.toString());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(CliRun.in(workspace, "show", "long")
                .out()).startsWith("long  pending").contains("attempt 1 of 3").contains("the workspace is paused"));
        assertThat(second.isAlive()).as("it waits for the resume").isTrue();

        assertThat(CliRun.in(workspace, "resume").exitCode()).isZero();
        assertThat(second.waitFor(60)).as(second.output()).isZero();
        assertThat(CliRun.in(workspace, "show", "long").out()).startsWith("long  completed")
                .contains("attempt 2 of 3");
    }
}
