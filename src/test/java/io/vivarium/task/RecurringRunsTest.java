package io.vivarium.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What becomes of a recurring task's entry as its occurrences run, fail, are retried, cancelled and resumed. */
class RecurringRunsTest {

    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    private static final RetryPolicy RETRY = new RetryPolicy(Duration.ofSeconds(2), Duration.ofMinutes(2));

    private final Task every10m = Task.grind("r").every("10m").maxAttempts(2).build().withFirstRun(T0);

    @Test
    void afterEachRunWhateverItsOutcomeTheTaskIsPendingForItsNextOccurrence() {
        TaskRun ran = TaskRun.pending().claim("r", "w", T0);
        TaskRun after = Occurrences.attemptEnded(every10m, ran, T0.plusSeconds(5),
                GrindResult.success(0.05, "ok", 0, null), RETRY);

        assertThat(after.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(after.runAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        assertThat(after.attempts()).isZero();
        assertThat(after.spentOrZero()).isEqualTo(0.05);
        assertThat(after.pastRuns()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(r.startedAt()).isEqualTo(T0);
            assertThat(r.completedAt()).isEqualTo(T0.plusSeconds(5));
            assertThat(r.cost()).isEqualTo(0.05);
        });
        assertThat(Occurrences.waitsForTime(every10m, after, T0.plusSeconds(6))).isTrue();
        assertThat(Occurrences.waitsForTime(every10m, after, T0.plus(Duration.ofMinutes(10)))).isFalse();
    }

    @Test
    void retriesApplyWithinTheOccurrenceThenItComesBackAnyway() {
        GrindResult broke = GrindResult.failure(0.02, "exit code 1", 1, null);
        TaskRun first = Occurrences.attemptEnded(every10m, TaskRun.pending().claim("r", "w", T0), T0.plusSeconds(1),
                broke, RETRY);
        assertThat(first.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(first.backoffUntil()).isEqualTo(T0.plusSeconds(3));
        assertThat(first.pastRuns()).isEmpty();

        TaskRun second = Occurrences.attemptEnded(every10m, first.claim("r", "w", T0.plusSeconds(3)),
                T0.plusSeconds(4), broke, RETRY);
        assertThat(second.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(second.runAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        assertThat(second.backoffUntil()).isNull();
        assertThat(second.error()).isEqualTo("exit code 1");
        assertThat(second.spentOrZero()).isEqualTo(0.04);
        assertThat(second.pastRuns()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(r.attempts()).isEqualTo(2);
            assertThat(r.error()).isEqualTo("exit code 1");
        });
    }

    @Test
    void theEntryKeepsTheLastTwentyRuns() {
        TaskRun run = TaskRun.pending();
        Instant at = T0;
        for (int i = 0; i < 25; i++) {
            run = Occurrences.attemptEnded(every10m, run.claim("r", "w", at), at.plusSeconds(1),
                    GrindResult.success(0.05, "run " + i, 0, null), RETRY);
            at = run.runAt();
        }
        assertThat(run.pastRuns()).hasSize(PastRun.KEPT);
        assertThat(run.pastRuns().get(PastRun.KEPT - 1).startedAt()).isEqualTo(T0.plus(Duration.ofMinutes(240)));
        assertThat(run.spentOrZero()).isEqualTo(1.25);
    }

    @Test
    void aWorkerLostOnTheLastAttemptEndsTheOccurrenceNotTheSeries() {
        Task once = Task.grind("r").every("10m").maxAttempts(1).build();
        TaskRun after = Occurrences.abandoned(once, TaskRun.pending().claim("r", "w", T0), T0.plusSeconds(30),
                "worker died");
        assertThat(after.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(after.runAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
    }

    @Test
    void cancelEndsTheSeriesAndRetryResumesIt() {
        TaskRun waiting = Occurrences.attemptEnded(every10m, TaskRun.pending().claim("r", "w", T0), T0.plusSeconds(1),
                GrindResult.success(0.05, "ok", 0, null), RETRY);
        TaskRun cancelled = waiting.cancel("r", T0.plusSeconds(2), 0.10);
        assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);

        TaskRun resumed = cancelled.retry("r");
        assertThat(resumed.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(resumed.pastRuns()).hasSize(1);
        assertThat(resumed.runAt()).isEqualTo(waiting.runAt());
    }

    @Test
    void aOneTimeTaskIsNotRolledOver() {
        Task once = Task.grind("o").runAt(T0).build();
        TaskRun after = Occurrences.attemptEnded(once, TaskRun.pending().claim("o", "w", T0), T0.plusSeconds(1),
                GrindResult.success(0.05, "ok", 0, null), RETRY);
        assertThat(after.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(after.pastRuns()).isEmpty();
    }
}
