package io.vivarium.store;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.task.PastRun;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The store contract, part: time. A task waits for its run_at, a recurring one for its next occurrence after each
 * run, missed occurrences run once, and a wait for a time is told apart from a wait for a retry. Run on every store
 * by its contract test ({@code FileTaskStoreContractTest}, {@code PostgresTaskStoreContractTest}); the fixtures are
 * {@link TaskStoreContract}'s.
 */
public abstract class TimeContract extends TaskStoreContract {

    @Nested
    class Time {

        @Test
        void aTaskIsNotClaimedBeforeItsTimeAndIsClaimedWhenItComes() {
            add(aTask("later").runAt(START.plusSeconds(2)), aTask("now"));

            CommitResult first = store.commit(worker, List.of(), 5);
            assertThat(first.claimed()).extracting(Lease::taskId).containsExactly("now");
            assertThat(first.nextBackoffEnd()).contains(START.plusSeconds(2));
            assertThat(first.retriesWaiting()).isFalse();
            clock.advance(Duration.ofMillis(1999));
            assertThat(claim(5)).isEmpty();
            clock.advance(Duration.ofMillis(1));
            claimOne("later");
        }

        @Test
        void anotherInstanceClaimsATaskAddedByThisOneWhenItsTimeComes() {
            TaskStore other = secondInstance();
            add(aTask("soon").runAt(START.plusSeconds(2)));

            assertThat(other.commit(WorkerIdentity.create(), List.of(), 5).nextBackoffEnd())
                    .contains(START.plusSeconds(2));
            clock.advance(Duration.ofSeconds(2));
            assertThat(other.commit(WorkerIdentity.create(), List.of(), 5).claimed()).extracting(Lease::taskId)
                    .containsExactly("soon");
        }

        @Test
        void aRecurringTaskComesBackAfterEachRunWhateverItsOutcomeAndCancelEndsTheSeries() {
            add(aTask("beat").every("1s").runAt(START).maxAttempts(1));

            finish(claimOne("beat"), OK);
            assertThat(statusOf("beat")).isEqualTo(TaskStatus.PENDING);
            assertThat(runOf("beat").runAt()).isEqualTo(START.plusSeconds(1));
            assertThat(claim(1)).isEmpty();
            clock.advance(Duration.ofSeconds(1));
            finish(claimOne("beat"), BROKEN);
            TaskRun after = runOf("beat");
            assertThat(after.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(after.runAt()).isEqualTo(START.plusSeconds(2));
            assertThat(after.pastRuns()).extracting(PastRun::status)
                    .containsExactly(TaskStatus.COMPLETED, TaskStatus.FAILED);
            assertThat(after.spentOrZero()).isEqualTo(0.08);
            assertThat(store.spend(Optional.empty()).ledger().spent()).isEqualTo(0.08);

            store.cancel("beat");
            clock.advance(Duration.ofSeconds(5));
            assertThat(claim(1)).isEmpty();
            assertThat(statusOf("beat")).isEqualTo(TaskStatus.CANCELLED);

            store.retry(List.of("beat"));
            claimOne("beat");
        }

        @Test
        void occurrencesMissedWhileNothingRanRunOnceNotAsABurst() {
            add(aTask("tick").every("10s").runAt(START));
            clock.advance(Duration.ofHours(1));

            List<Lease> once = claim(5);
            assertThat(once).extracting(Lease::taskId).containsExactly("tick");
            finish(once.get(0), OK);
            assertThat(runOf("tick").runAt()).isEqualTo(START.plus(Duration.ofHours(1)).plusSeconds(10));
            assertThat(claim(5)).isEmpty();
        }

        @Test
        void aWaitForARetryIsToldApartFromAWaitForATime() {
            add(aTask("flaky"), aTask("later").runAt(START.plusSeconds(60)));
            finish(claimOne("flaky"), BROKEN);

            CommitResult waiting = store.commit(worker, List.of(), 5);
            assertThat(waiting.retriesWaiting()).isTrue();
            clock.advance(Duration.ofSeconds(1));
            finish(claimOne("flaky"), OK);
            assertThat(store.commit(worker, List.of(), 5).retriesWaiting()).isFalse();
        }
    }
}
