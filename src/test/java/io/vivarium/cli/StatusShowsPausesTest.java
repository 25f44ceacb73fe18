package io.vivarium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status} is where a user looks first when nothing runs: it says what {@code status --json} says, that the
 * workspace or a queue is paused, and stays quiet when nothing is.
 */
class StatusShowsPausesTest {

    @TempDir
    Path workspace;

    @Test
    void statusSaysWhatIsPausedAndHowToResumeIt() {
        CliRun.in(workspace, "add", "a", "grind", "--command", "true", "--queue", "nightly");
        assertThat(CliRun.in(workspace, "status").out()).doesNotContain("aused");

        CliRun.in(workspace, "queue", "pause", "nightly");
        CliRun.in(workspace, "queue", "pause", "tests");
        assertThat(CliRun.in(workspace, "status").out())
                .contains("\nPaused queues: nightly, tests (vivarium queue resume NAME)\n")
                .doesNotContain("The workspace is paused");

        CliRun.in(workspace, "pause");
        assertThat(CliRun.in(workspace, "status").out())
                .contains("\nThe workspace is paused: nothing new starts until 'vivarium resume'\n");
    }
}
