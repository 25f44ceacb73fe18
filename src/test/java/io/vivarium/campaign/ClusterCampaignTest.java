package io.vivarium.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster campaign at test size; {@code src/bench/cluster-campaign.sh} runs 10,000 tasks. */
class ClusterCampaignTest {

    @TempDir
    Path dir;

    @Test
    void workerJvmsSharingOnePostgresLoseNothingAndNeverOverlapWhenOneIsKilled() throws Exception {
        ClusterCampaign.Report report = ClusterCampaign.run(
                new ClusterCampaign.Settings(600, 3, 4, 42, Files.createDirectories(dir.resolve("workspace"))));

        System.out.println(report.line());
        assertThat(report.violations()).isEmpty();
        assertThat(report.completedAtKill()).as("the kill landed mid-run").isBetween(1, 599);
        assertThat(report.history().totalRuns()).isGreaterThanOrEqualTo(600);
    }
}
