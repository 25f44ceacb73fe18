package io.vivarium.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Durations, times, cron occurrences (daylight saving included) and the time fields' validation. */
class TimeRulesTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void durationsReadTheWayUsersWriteThem() {
        assertThat(Durations.parse("every", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("every", "10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("every", "2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("every", "1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("every", "1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.format(Duration.ofMinutes(130))).isEqualTo("2h 10m");
        assertThat(Durations.format(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(Durations.format(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(Durations.compact(Duration.ofMinutes(90))).isEqualTo("1h30m");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "10x", "0s", "m10", "10m1h", "-5s", "1.5h", "ten minutes"})
    void badDurationsAreRefusedNamingTheField(String text) {
        assertThatThrownBy(() -> Durations.parse("timeout", text))
                .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("timeout"));
    }

    @Test
    void timesWithAnOffsetOrZOrLocalInAZone() {
        assertThat(TimeInput.parse("run_at", "2026-12-05T09:00:00Z", BERLIN))
                .isEqualTo(Instant.parse("2026-12-05T09:00:00Z"));
        assertThat(TimeInput.parse("run_at", "2026-12-05T09:00+01:00", BERLIN))
                .isEqualTo(Instant.parse("2026-12-05T08:00:00Z"));
        assertThat(TimeInput.parse("run_at", "2026-12-05 09:00", BERLIN))
                .isEqualTo(Instant.parse("2026-12-05T08:00:00Z"));
        assertThat(TimeInput.parse("run_at", "2026-07-05 09:00:30", BERLIN))
                .isEqualTo(Instant.parse("2026-07-05T07:00:30Z"));
        assertThatThrownBy(() -> TimeInput.parse("run_at", "tomorrow", BERLIN))
                .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("run_at"));
        assertThatThrownBy(() -> TimeInput.parse("run_at", "2026-13-05 09:00", BERLIN))
                .isInstanceOf(InvalidTaskException.class);
        assertThatThrownBy(() -> TimeInput.zone("tz", "Mars/Olympus"))
                .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("tz"));
    }

    @Test
    void cronKeepsItsLocalTimeAcrossTheSpringChange() {
        CronSchedule nineDaily = CronSchedule.parse("0 9 * * *", BERLIN);
        // Berlin moves from +01:00 to +02:00 on 2026-03-29.
        assertThat(occurrences(nineDaily, Instant.parse("2026-03-27T12:00:00Z"), 3)).containsExactly(
                Instant.parse("2026-03-28T08:00:00Z"),
                Instant.parse("2026-03-29T07:00:00Z"),
                Instant.parse("2026-03-30T07:00:00Z"));
    }

    @Test
    void cronInTheHourTheClockSkipsOrRepeats() {
        CronSchedule halfPastTwo = CronSchedule.parse("30 2 * * *", BERLIN);
        // 02:30 does not exist on 2026-03-29 in Berlin: that day has no occurrence.
        assertThat(occurrences(halfPastTwo, Instant.parse("2026-03-28T12:00:00Z"), 2)).containsExactly(
                Instant.parse("2026-03-30T00:30:00Z"),
                Instant.parse("2026-03-31T00:30:00Z"));
        // 02:30 happens twice on 2026-10-25: the task runs once that day.
        List<Instant> autumn = occurrences(halfPastTwo, Instant.parse("2026-10-24T12:00:00Z"), 3);
        assertThat(autumn.get(0)).isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
        assertThat(autumn.get(1)).isEqualTo(Instant.parse("2026-10-26T01:30:00Z"));
    }

    @Test
    void cronNicknames() {
        Instant now = Instant.parse("2026-12-04T10:15:00Z");
        ZoneId utc = ZoneId.of("UTC");
        assertThat(CronSchedule.parse("@hourly", utc).nextAfter(now)).contains(Instant.parse("2026-12-04T11:00:00Z"));
        assertThat(CronSchedule.parse("@daily", utc).nextAfter(now)).contains(Instant.parse("2026-12-05T00:00:00Z"));
        // 2026-12-04 is a Friday; @weekly is Sunday midnight.
        assertThat(CronSchedule.parse("@weekly", utc).nextAfter(now)).contains(Instant.parse("2026-12-06T00:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"61 * * * *", "* * *", "0 0 * * * *", "@sometimes", "every day", "0 25 * * *"})
    void badCronExpressionsAreRefusedNamingTheField(String expression) {
        assertThatThrownBy(() -> CronSchedule.parse(expression, BERLIN))
                .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("cron"));
    }

    @Test
    void missedOccurrencesRunOnceNotAsABurst() {
        Recurrence every10m = Recurrence.of(Task.grind("t").every("10m").build()).orElseThrow();
        Instant due = Instant.parse("2026-12-04T10:00:00Z");
        // A run that ended on time: the next occurrence on the grid.
        assertThat(every10m.next(due, due.plusSeconds(3))).contains(Instant.parse("2026-12-04T10:10:00Z"));
        // The machine was off for five hours: one run now (it was due), then the next occurrence after it ended.
        assertThat(every10m.next(due, Instant.parse("2026-12-04T15:03:00Z")))
                .contains(Instant.parse("2026-12-04T15:10:00Z"));

        Recurrence nightly = Recurrence.of(Task.grind("n").cron("0 3 * * *").tz("UTC").build()).orElseThrow();
        Instant threeDaysAgo = Instant.parse("2026-12-01T03:00:00Z");
        assertThat(nightly.next(threeDaysAgo, Instant.parse("2026-12-04T10:00:00Z")))
                .contains(Instant.parse("2026-12-05T03:00:00Z"));
    }

    @Test
    void aCronTaskFirstRunsAtItsFirstOccurrenceAndKeepsItsZone() {
        Task task = Task.grind("nightly").cron("0 3 * * *").tz("Europe/Berlin").build()
                .withFirstRun(Instant.parse("2026-12-04T10:00:00Z"));
        assertThat(task.runAt()).isEqualTo(Instant.parse("2026-12-05T02:00:00Z"));
        assertThat(Task.grind("c").cron("@daily").build().tz()).isEqualTo(ZoneId.systemDefault().getId());
        assertThat(Task.grind("e").every("90m").build().every()).isEqualTo("1h30m");
    }

    @Test
    void badTimeFieldsAreRefusedNamingTheField() {
        assertField(() -> Task.grind("t").every("soon").build(), "every");
        assertField(() -> Task.grind("t").cron("61 * * * *").build(), "cron");
        assertField(() -> Task.grind("t").cron("@daily").tz("Nowhere/Land").build(), "tz");
        assertField(() -> Task.grind("t").every("1m").cron("@daily").build(), "cron");
        assertField(() -> Task.grind("t").timeoutSeconds(0L).build(), "timeout_seconds");
    }

    @Test
    void theWaitReasonSaysWhenAndHowLong() {
        ZoneId utc = ZoneId.of("UTC");
        Instant now = Instant.parse("2026-12-04T06:50:00Z");
        assertThat(Schedules.startsAt(Instant.parse("2026-12-04T09:00:00Z"), now, utc))
                .isEqualTo("starts at 09:00 (in 2h 10m)");
        assertThat(Schedules.startsAt(Instant.parse("2026-12-05T09:00:00Z"), now, utc))
                .isEqualTo("starts at 2026-12-05 09:00 (in 1d 2h)");
        assertThat(Schedules.startsAt(now.plusSeconds(2), now, utc)).isEqualTo("starts at 06:50:02 (in 2s)");
    }

    private static void assertField(Runnable build, String field) {
        assertThatThrownBy(build::run)
                .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo(field));
    }

    private static List<Instant> occurrences(CronSchedule schedule, Instant from, int n) {
        List<Instant> out = new ArrayList<>();
        Instant at = from;
        for (int i = 0; i < n; i++) {
            at = schedule.nextAfter(at).orElseThrow();
            out.add(at);
        }
        return out;
    }
}
