package io.vivarium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pause outlives the command that set it, so a batch started days later in a paused workspace waits, as the
 * README says: it must say why, or it looks hung. A real {@code start} JVM, not a terminal (no progress line).
 */
class PausedBatchProcessTest {

    @org.junit.jupiter.api.extension.RegisterExtension
    static final io.vivarium.support.PostgresDatabase db = new io.vivarium.support.PostgresDatabase();

    @TempDir
    Path workspace;

    @TempDir
    Path scratch;

    @Test
    void aBatchInAPausedWorkspaceSaysSoAndSaysWhenItIsResumed() throws Exception {
        CliRun.in(workspace, "add", "a", "grind", "--command", "true");
        CliRun.in(workspace, "add", "b", "grind", "--command", "true", "--queue", "nightly");
        CliRun.in(workspace, "queue", "pause", "nightly");
        CliRun.in(workspace, "pause");

        CliProcess batch = CliProcess.start(scratch.resolve("start.out"), "start", "1", "-w", workspace.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> batch.output().contains("paused"));
        assertThat(batch.output()).contains("The workspace is paused: nothing starts until 'vivarium resume'")
                .contains("queue 'nightly' is paused: 1 task waits for 'vivarium queue resume nightly'");
        assertThat(batch.isAlive()).as("it waits for a resume").isTrue();

        assertThat(CliRun.in(workspace, "resume").exitCode()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> batch.output().contains("resumed"));
        CliRun.in(workspace, "queue", "resume", "nightly");
        assertThat(batch.waitFor(60)).as(batch.output()).isZero();
        assertThat(batch.output()).contains("The workspace was resumed")
                .contains("Completed:        2");
    }

    @Test
    void aBatchInAPausedWorkspaceWaitsForTheResumeEvenWithATaskScheduledForLater() throws Exception {
        CliRun.in(workspace, "add", "due", "grind", "--command", "true");
        CliRun.in(workspace, "add", "later", "grind", "--command", "true", "--in", "1h");
        CliRun.in(workspace, "pause");

        CliProcess batch = CliProcess.start(scratch.resolve("start.out"), "start", "1", "-w", workspace.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> batch.output().contains("The workspace is paused"));
        assertThat(CliRun.in(workspace, "resume").exitCode()).isZero();
        assertThat(batch.waitFor(60)).as(batch.output()).isZero();
        assertThat(CliRun.in(workspace, "show", "due").out()).as("a due task held by the pause runs after the resume")
                .startsWith("due  completed");
    }

    @Test
    void onPostgresqlAPausedBatchWaitsForTheResumeEvenWithATaskScheduledForLater() throws Exception {
        String url = db.createAnother();
        CliRun.in(workspace, "add", "due", "grind", "--command", "true", "--store", url);
        CliRun.in(workspace, "add", "later", "grind", "--command", "true", "--in", "1h", "--store", url);
        CliRun.in(workspace, "pause", "--store", url);

        CliProcess batch = CliProcess.start(scratch.resolve("start.out"), "start", "1", "-w", workspace.toString(),
                "--store", url);
        await().atMost(Duration.ofSeconds(30)).until(() -> batch.output().contains("The workspace is paused"));
        Thread.sleep(1000);
        assertThat(batch.isAlive()).as("it waits for a resume: " + batch.output()).isTrue();
        assertThat(CliRun.in(workspace, "resume", "--store", url).exitCode()).isZero();
        assertThat(batch.waitFor(60)).as(batch.output()).isZero();
        assertThat(CliRun.in(workspace, "show", "due", "--store", url).out())
                .as("a due task held by the pause runs after the resume").startsWith("due  completed");
    }
}
