package io.vivarium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code start --dry-run} under a queue's limits says what a run would start: a run never starts more of a queue
 * together than its concurrency or its rate allows, so neither does the list, and the rest wait with the reason.
 */
class QueueDryRunTest {

    @TempDir
    Path workspace;

    @Test
    void theDryRunStartsNoMoreOfAQueueThanItsLimitsAllow() {
        for (String id : new String[] {"t1", "t2", "t3"}) {
            CliRun.in(workspace, "add", id, "grind", "--command", "true", "--queue", "tests");
        }
        CliRun.in(workspace, "add", "r1", "grind", "--command", "true", "--queue", "api");
        CliRun.in(workspace, "add", "r2", "grind", "--command", "true", "--queue", "api");
        CliRun.in(workspace, "add", "free", "grind", "--command", "true");
        CliRun.in(workspace, "queue", "set", "tests", "--concurrency", "1");
        CliRun.in(workspace, "queue", "set", "api", "--rate", "1/min");

        CliRun dryRun = CliRun.in(workspace, "start", "4", "--dry-run");
        assertThat(dryRun.out())
                .containsPattern("Would run now, in this order \\(4 workers\\):\n  t1 .*\n  r1 .*\n  free .*\nWaiting")
                .containsPattern("\n  t2 +queue 'tests' runs 1 of its 1 at once\n")
                .containsPattern("\n  t3 +queue 'tests' runs 1 of its 1 at once\n")
                .containsPattern("\n  r2 +queue 'api' started 1 within 1m \\(rate 1/min\\)");
    }
}
