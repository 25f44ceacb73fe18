package io.vivarium.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crash campaign at test size; {@code src/bench/crash-campaign.sh} runs the long one. */
class CrashCampaignTest {

    @TempDir
    Path dir;

    @Test
    void noTaskIsLostOrRunTwiceAtOnceWhileProcessesAreKilled() throws Exception {
        // Enough work (~8 s of grinds over five workers) for the kills, ~6 s of them; every other worker kill waits
        // for a grind to be running in its victim (CrashCampaign#awaitGrindRunning), so kills land mid-grind
        // whatever the timing.
        CrashCampaign.Report report = CrashCampaign.run(
                new CrashCampaign.Settings(150, 3, 12, 42, dir));

        System.out.println(report.line());
        assertThat(report.violations()).isEmpty();
        assertThat(report.workerKills()).isGreaterThan(0);
        assertThat(report.history().interruptedRuns()).as("kills landed mid-grind").isGreaterThan(0);
        assertThat(report.history().totalRuns()).isGreaterThanOrEqualTo(150);
    }
}
