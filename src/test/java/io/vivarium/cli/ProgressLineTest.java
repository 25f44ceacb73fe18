package io.vivarium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.MutableClock;
import io.vivarium.task.Summary;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    final ProgressLine line = new ProgressLine(clock);

    @Test
    void runningCountsGrindsThatRunNotClaimsTakenAhead() {
        // 4 workers; the pool holds 5 claims, one of them taken ahead and not started
        Summary s = new Summary(100, 0, 5, 95, 0, 0, 0, 0);

        assertThat(line.render(s, 4)).contains("running 4, waiting 96");
    }

    @Test
    void showsTheRateAndTheTimeLeft() {
        line.render(new Summary(100, 10, 4, 86, 0, 0, 0, 0.5), 4);
        clock.advance(Duration.ofSeconds(10));

        String later = line.render(new Summary(100, 28, 4, 66, 2, 0, 0, 1.5), 4);

        // 20 finished in 10 s: 2 tasks/s, 70 left: 35 s
        assertThat(later).isEqualTo("[30/100 done] completed 28, failed 2, running 4, waiting 66 | 2.0 tasks/s, "
                + "~35s left | $1.50 used   ");
    }

    @Test
    void beforeAnythingFinishesTheTimeLeftIsUnknownAndLongWaitsReadInMinutes() {
        assertThat(line.render(new Summary(1000, 0, 4, 996, 0, 0, 0, 0), 4)).contains("0.0 tasks/s, time left unknown");
        clock.advance(Duration.ofSeconds(10));

        assertThat(line.render(new Summary(1000, 5, 4, 991, 0, 0, 0, 0), 4)).contains("0.5 tasks/s, ~33m10s left");
    }
}
