package io.vivarium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rate at the edges of what it allows: a day is the longest period, and a refusal says what was given in the words it is written in. */
class QueueRateEdgesTest {

    @TempDir
    Path workspace;

    @Test
    void aDayIsTheLongestPeriodAndAnythingLongerIsRefusedInTheUsersWords() {
        assertThat(CliRun.in(workspace, "queue", "set", "q", "--rate", "10000/1d").out()).contains("rate 10000/d");
        assertThat(CliRun.in(workspace, "queue", "set", "q", "--rate", "1/24h").out()).contains("rate 1/d");
        assertThat(CliRun.in(workspace, "queue", "set", "q", "--rate", "1/90s").out()).contains("rate 1/1m30s");

        CliRun tooLong = CliRun.in(workspace, "queue", "set", "q", "--rate", "1/86401s");
        assertThat(tooLong.exitCode()).isEqualTo(2);
        assertThat(tooLong.errLines()).singleElement().asString()
                .isEqualTo("vivarium queue set: --rate: rate's period must be from 1s to 1d (got 1d1s)");
        CliRun tooMany = CliRun.in(workspace, "queue", "set", "q", "--rate", "10001/1d");
        assertThat(tooMany.errLines()).singleElement().asString().contains("1 to 10000 starts per period (got 10001)");
        assertThat(CliRun.in(workspace, "queue").out()).as("refusals change nothing")
                .containsPattern("\nq +0 +0 +0 +0 +- +1/1m30s +running\n");
    }
}
