package io.vivarium.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contention campaign at test size; {@code src/bench/contention-campaign.sh} runs the long one. */
class ContentionCampaignTest {

    @TempDir
    Path dir;

    @Test
    void everythingAtOnceLosesNothingAndAnswersNoFiveHundred() throws Exception {
        ContentionCampaign.Report report = ContentionCampaign.run(dir, 10, 11);

        System.out.println(report.line());
        assertThat(report.violations()).isEmpty();
        assertThat(report.operations()).isGreaterThan(20);
        assertThat(report.history().totalRuns()).isGreaterThanOrEqualTo(60);
    }
}
