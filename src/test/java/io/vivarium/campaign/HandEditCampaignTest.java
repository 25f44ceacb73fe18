package io.vivarium.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-edit campaign at test size; {@code src/bench/hand-edit-campaign.sh} runs the long one. */
class HandEditCampaignTest {

    @TempDir
    Path dir;

    @Test
    void handEditsNeverBrickTheWorkspaceLoseAnAcknowledgedAddOrRunATaskTwiceAtOnce() throws Exception {
        HandEditCampaign.Report report = HandEditCampaign.run(new HandEditCampaign.Settings(40, 18, 17, dir));

        System.out.println(report.line());
        assertThat(report.violations()).isEmpty();
        assertThat(report.strikes().values().stream().mapToInt(i -> i).sum()).isEqualTo(18);
        assertThat(report.strikes()).as("every kind of strike landed").hasSize(HandEditCampaign.Strike.values().length);
        assertThat(report.adds()).isPositive();
        assertThat(report.clears()).isPositive();
    }
}
