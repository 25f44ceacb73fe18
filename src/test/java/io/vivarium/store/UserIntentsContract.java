package io.vivarium.store;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vivarium.task.CodeRun;
import io.vivarium.task.IllegalTransitionException;
import io.vivarium.task.ReviewException;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The store contract, part: the user's intents: cancel, retry, clear. Run on every store by its contract test
 * ({@code FileTaskStoreContractTest}, {@code PostgresTaskStoreContractTest}); the fixtures are {@link TaskStoreContract}'s.
 */
public abstract class UserIntentsContract extends TaskStoreContract {

    @Nested
    class Cancelling {

        @Test
        void cancellingARunningTaskEndsItsClaimAndBlocksItsDependents() {
            add(aTask("a"), aTask("b").dependsOn(List.of("a")), aTask("c").dependsOn(List.of("b")));
            Lease lease = claimOne("a");

            TaskStore.Cancellation cancellation = store.cancel("a");

            assertThat(cancellation.run().status()).isEqualTo(TaskStatus.CANCELLED);
            assertThat(cancellation.endedClaim()).hasValueSatisfying(claim -> {
                assertThat(claim.taskId()).isEqualTo("a");
                assertThat(claim.workerId()).isEqualTo(worker.workerId());
            });
            assertThat(store.claims()).isEmpty();
            assertThat(store.renew(List.of(lease))).containsExactly(lease);
            assertThat(statusOf("a")).isEqualTo(TaskStatus.CANCELLED);
            assertThat(runOf("a").error()).isEqualTo("cancelled by user");
            assertThat(statusOf("b")).isEqualTo(TaskStatus.BLOCKED);
            assertThat(runOf("b").error()).isEqualTo("dependency 'a' is cancelled");
            assertThat(statusOf("c")).isEqualTo(TaskStatus.BLOCKED);
        }

        @Test
        void cancellingAPendingTaskEndsNoClaim() {
            add(aTask("a"));

            TaskStore.Cancellation cancellation = store.cancel("a");

            assertThat(cancellation.endedClaim()).isEmpty();
            assertThat(statusOf("a")).isEqualTo(TaskStatus.CANCELLED);
            assertThat(claim(1)).isEmpty();
        }

        @Test
        void aBlockedTaskCanBeCancelled() {
            add(aTask("a").maxAttempts(1), aTask("b").dependsOn(List.of("a")));
            finish(claimOne("a"), BROKEN);

            store.cancel("b");

            assertThat(statusOf("b")).isEqualTo(TaskStatus.CANCELLED);
        }

        @Test
        void cancellingAFinishedTaskIsAnIllegalTransitionAndChangesNothing() {
            add(aTask("a"), aTask("b"));
            finish(claimOne("a"), OK);
            store.cancel("b");
            long before = store.version();

            assertThatThrownBy(() -> store.cancel("a")).isInstanceOf(IllegalTransitionException.class);
            assertThatThrownBy(() -> store.cancel("b")).isInstanceOf(IllegalTransitionException.class);

            assertThat(statusOf("a")).isEqualTo(TaskStatus.COMPLETED);
            assertThat(store.version()).isEqualTo(before);
        }

        @Test
        void cancellingAnUnknownTaskSaysSo() {
            assertThatThrownBy(() -> store.cancel("ghost")).isInstanceOf(UnknownTaskException.class);
        }
    }

    @Nested
    class UserRetries {

        @Test
        void retryRefusesARunningTaskSoItsClaimCannotOutliveIt() {
            add(aTask("a"));
            Lease lease = claimOne("a");

            assertThatThrownBy(() -> store.retry(List.of("a"))).isInstanceOf(IllegalTransitionException.class)
                    .hasMessageContaining("cancel it first");

            assertThat(statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(store.renew(List.of(lease))).isEmpty();
        }

        @Test
        void retryPutsAFailedTaskBackWithFreshAttemptsAndUnblocksItsDependents() {
            add(aTask("a").maxAttempts(1), aTask("b").dependsOn(List.of("a")), aTask("c").dependsOn(List.of("b")));
            finish(claimOne("a"), BROKEN);
            assertThat(statusOf("c")).isEqualTo(TaskStatus.BLOCKED);

            List<String> retried = store.retry(List.of("a"));

            assertThat(retried).containsExactlyInAnyOrder("a", "b", "c");
            TaskRun a = runOf("a");
            assertThat(a.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(a.attempts()).isZero();
            assertThat(a.error()).isNull();
            assertThat(statusOf("b")).isEqualTo(TaskStatus.PENDING);
            assertThat(runOf("b").error()).isNull();
            assertThat(statusOf("c")).isEqualTo(TaskStatus.PENDING);
            assertThat(claimOne("a").attempt()).isEqualTo(1);
        }

        @Test
        void retryRunsACompletedTaskAgainWhenTheUserAsks() {
            add(aTask("a"));
            finish(claimOne("a"), OK);

            assertThat(store.retry(List.of("a"))).containsExactly("a");

            assertThat(statusOf("a")).isEqualTo(TaskStatus.PENDING);
            assertThat(runOf("a").result()).isNull();
            assertThat(claimOne("a").attempt()).isEqualTo(1);
        }

        @Test
        void retryingACancelledTaskMakesItRunnableAgain() {
            add(aTask("a"), aTask("b").dependsOn(List.of("a")));
            Lease cancelled = claimOne("a");
            store.cancel("a");
            assertThat(finish(cancelled, OK).lost()).containsExactly(cancelled);

            assertThat(store.retry(List.of("a"))).containsExactlyInAnyOrder("a", "b");

            Lease again = claimOne("a");
            assertThat(again.attempt()).isEqualTo(1);
            assertThat(again.fence()).isNotEqualTo(cancelled.fence());
            assertThat(statusOf("b")).isEqualTo(TaskStatus.PENDING);
        }

        @Test
        void aCancelledTaskRetriedAtOnceCanBeClaimedBeforeItsOldOwnerHearsOfTheCancel() {
            add(aTask("a"));
            Lease cancelled = claimOne("a");
            store.cancel("a");
            store.retry(List.of("a"));

            Lease again = claimOne("a");

            assertThat(store.renew(List.of(cancelled))).containsExactly(cancelled);
            assertThat(finish(cancelled, OK).lost()).containsExactly(cancelled);
            assertThat(statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(finish(again, OK).lost()).isEmpty();
        }

        @Test
        void retryingATaskInBackoffMakesItRunnableAtOnce() {
            add(aTask("a"));
            finish(claimOne("a"), BROKEN);

            assertThat(store.retry(List.of("a"))).containsExactly("a");

            assertThat(runOf("a").backoffUntil()).isNull();
            assertThat(claimOne("a").attempt()).isEqualTo(1);
        }

        @Test
        void retryingAPendingTaskDoesNothing() {
            add(aTask("a"));
            long before = store.version();

            assertThat(store.retry(List.of("a"))).isEmpty();

            assertThat(store.version()).isEqualTo(before);
        }

        @Test
        void retryingAnUnknownTaskChangesNothing() {
            add(aTask("a").maxAttempts(1));
            finish(claimOne("a"), BROKEN);

            assertThatThrownBy(() -> store.retry(List.of("a", "ghost"))).isInstanceOf(UnknownTaskException.class);

            assertThat(statusOf("a")).isEqualTo(TaskStatus.FAILED);
        }

        @Test
        void retryFailedRetriesEveryFailedTaskAndWhatTheyBlocked() {
            add(aTask("a").maxAttempts(1), aTask("b").maxAttempts(1), aTask("c").dependsOn(List.of("a")),
                    aTask("done"));
            List<Lease> leases = claim(3);
            store.commit(worker, List.of(Finish.done(leases.get(0), BROKEN), Finish.done(leases.get(1), HOPELESS),
                    Finish.done(leases.get(2), OK)), 0);

            List<String> retried = store.retryFailed();

            assertThat(retried).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(statusOf("a")).isEqualTo(TaskStatus.PENDING);
            assertThat(statusOf("b")).isEqualTo(TaskStatus.PENDING);
            assertThat(statusOf("c")).isEqualTo(TaskStatus.PENDING);
            assertThat(statusOf("done")).isEqualTo(TaskStatus.COMPLETED);
            assertThat(store.retryFailed()).isEmpty();
        }
    }

    @Nested
    class Clearing {

        @Test
        void clearEmptiesTheQueueAndEndsEveryClaim() {
            add(aTask("a"), aTask("b"), aTask("c"));
            Lease lease = claimOne("a");

            TaskStore.ClearResult result = store.clear();

            assertThat(result).isEqualTo(new TaskStore.ClearResult(3, 1));
            assertThat(store.summary().totalTasks()).isZero();
            assertThat(store.claims()).isEmpty();
            assertThat(store.find("a")).isEmpty();
            assertThat(store.renew(List.of(lease))).containsExactly(lease);
            assertThat(finish(lease, OK).lost()).containsExactly(lease);
            assertThat(store.summary().totalTasks()).isZero();
        }

        @Test
        void clearEndsTheClaimsOfOtherOwnersToo() {
            add(aTask("a"), aTask("b"));
            OtherOwner owner = otherOwner();
            Lease theirs = owner.commit(List.of(), 1).claimed().get(0);

            assertThat(store.clear()).isEqualTo(new TaskStore.ClearResult(2, 1));

            assertThat(store.claims()).isEmpty();
            assertThat(owner.renew(List.of(theirs))).extracting(Lease::taskId).containsExactly("a");
        }

        @Test
        void theSameIdsCanBeAddedAgainAfterAClear() {
            add(aTask("a"));
            finish(claimOne("a"), OK);
            store.clear();

            add(aTask("a"));

            assertThat(statusOf("a")).isEqualTo(TaskStatus.PENDING);
            assertThat(runOf("a").attempts()).isZero();
            assertThat(claimOne("a").attempt()).isEqualTo(1);
        }
    }

    @Nested
    class Reviewing {

        private final CodeRun change = new CodeRun("vivarium/a", "base1", "commit1", new CodeRun.Changes(1, 2, 3),
                new CodeRun.Check("make test", 0, true, 1.5, "ok"), 4, CodeRun.Review.PENDING, "diff --git a/x b/x\n",
                null);

        @Test
        void aCodeGrindsOutcomeIsKeptWithItsRunAndItsVerdictRecordedOnce() {
            add(aTask("a"), aTask("plain"));
            finish(claimOne("a"), OK.withCode(change));
            finish(claimOne("plain"), OK);

            assertThat(runOf("a").code()).isEqualTo(change);
            TaskRun accepted = store.review("a", CodeRun.Review.ACCEPTED, null);

            assertThat(accepted.code().review()).isEqualTo(CodeRun.Review.ACCEPTED);
            assertThat(runOf("a").code()).isEqualTo(change.withReview(CodeRun.Review.ACCEPTED, null));
            assertThat(runOf("a").status()).isEqualTo(TaskStatus.COMPLETED);
            assertThatThrownBy(() -> store.review("a", CodeRun.Review.REJECTED, "late"))
                    .isInstanceOf(ReviewException.class).hasMessageContaining("not waiting for review (it is accepted)");
            assertThatThrownBy(() -> store.review("plain", CodeRun.Review.ACCEPTED, null))
                    .isInstanceOf(ReviewException.class).hasMessage("plain has no change to review");
            assertThatThrownBy(() -> store.review("nope", CodeRun.Review.ACCEPTED, null))
                    .isInstanceOf(UnknownTaskException.class);
        }

        @Test
        void aRejectedChangeKeepsItsFeedbackThroughARetry() {
            add(aTask("a"));
            finish(claimOne("a"), OK.withCode(change));

            store.review("a", CodeRun.Review.REJECTED, "smaller, please");
            store.retry(List.of("a"));

            assertThat(statusOf("a")).isEqualTo(TaskStatus.PENDING);
            assertThat(runOf("a").code().feedback()).isEqualTo("smaller, please");
            assertThat(runOf("a").code().review()).isEqualTo(CodeRun.Review.REJECTED);
        }
    }
}
