package io.vivarium.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint crash campaign at test size; {@code src/bench/checkpoint-crash-campaign.sh} runs the long one. */
class CheckpointCrashCampaignTest {

    @TempDir
    Path dir;

    @Test
    void killsInsideCheckpointsLoseNothingCommittedAndTearNothing() throws Exception {
        CheckpointCrashCampaign.Report report = CheckpointCrashCampaign.run(
                new CheckpointCrashCampaign.Settings(1600, 16, 42, dir));

        System.out.println(report.line());
        assertThat(report.violations()).isEmpty();
        assertThat(report.count(CheckpointCrashCampaign.Kill::insideACheckpoint))
                .as("kills that landed inside a checkpoint").isGreaterThan(0);
        assertThat(report.looks()).isGreaterThan(report.kills().size());
    }
}
