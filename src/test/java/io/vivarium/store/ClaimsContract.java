package io.vivarium.store;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vivarium.task.Priority;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The store contract, part: claiming in order, recording finishes, retries after a backoff, and blocking what can never run. Run on every store by its contract test
 * ({@code FileTaskStoreContractTest}, {@code PostgresTaskStoreContractTest}); the fixtures are {@link TaskStoreContract}'s.
 */
public abstract class ClaimsContract extends TaskStoreContract {

    @Nested
    class Claiming {

        @Test
        void aClaimPutsTheTaskInProgressUnderTheWorkerWithItsFirstAttempt() {
            add(aTask("a"));

            CommitResult result = store.commit(worker, List.of(), 5);

            assertThat(result.claimed()).hasSize(1);
            Lease lease = result.claimed().get(0);
            assertThat(lease.task()).isEqualTo(store.find("a").orElseThrow().task());
            assertThat(lease.attempt()).isEqualTo(1);
            assertThat(lease.worker()).isEqualTo(worker);
            assertThat(result.lost()).isEmpty();
            TaskRun run = runOf("a");
            assertThat(run.status()).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(run.workerId()).isEqualTo(worker.workerId());
            assertThat(run.attempts()).isEqualTo(1);
            assertThat(run.startedAt()).isEqualTo(START);
        }

        @Test
        void claimsListTheLiveClaimsWithTheirOwnerAndHeartbeat() {
            add(aTask("a"), aTask("b"));
            claimOne("a");

            List<Claim> claims = store.claims();

            assertThat(claims).hasSize(1);
            Claim claim = claims.get(0);
            assertThat(claim.taskId()).isEqualTo("a");
            assertThat(claim.workerId()).isEqualTo(worker.workerId());
            assertThat(claim.pid()).isEqualTo(worker.pid());
            assertThat(claim.host()).isEqualTo(worker.host());
            assertThat(claim.acquiredAt()).isEqualTo(START);
            assertThat(claim.heartbeatAt()).isEqualTo(START);
        }

        @Test
        void tasksAreClaimedByPriorityThenInQueueOrder() {
            add(aTask("low1").priority(Priority.LOW), aTask("med1"), aTask("high1").priority(Priority.HIGH),
                    aTask("med2"), aTask("high2").priority(Priority.HIGH), aTask("low2").priority(Priority.LOW));

            List<Lease> claimed = claim(6);

            assertThat(ids(claimed)).containsExactly("high1", "high2", "med1", "med2", "low1", "low2");
        }

        @Test
        void aCommitClaimsAtMostMaxClaimsAndSaysRunnableTasksWereLeft() {
            add(aTask("a"), aTask("b"), aTask("c"));

            CommitResult one = store.commit(worker, List.of(), 1);
            CommitResult none = store.commit(worker, List.of(), 0);
            CommitResult rest = store.commit(worker, List.of(), 5);

            assertThat(ids(one.claimed())).containsExactly("a");
            assertThat(one.runnableLeft()).isTrue();
            assertThat(none.claimed()).isEmpty();
            assertThat(none.runnableLeft()).isTrue();
            assertThat(ids(rest.claimed())).containsExactly("b", "c");
            assertThat(rest.runnableLeft()).isFalse();
        }

        @Test
        void tasksWaitingOnDependenciesOrBackoffAreNotRunnableLeft() {
            add(aTask("a"), aTask("b").dependsOn(List.of("a")));
            Lease a = claimOne("a");
            finish(a, BROKEN);

            CommitResult result = store.commit(worker, List.of(), 0);

            assertThat(result.runnableLeft()).isFalse();
            assertThat(result.nextBackoffEnd()).contains(START.plusSeconds(1));
        }

        @Test
        void aClaimedTaskIsNotClaimedAgainByAnotherWorkerOfAnotherInstance() {
            add(aTask("a"), aTask("b"));
            claimOne("a");

            CommitResult other = secondInstance().commit(WorkerIdentity.create(), List.of(), 5);

            assertThat(ids(other.claimed())).containsExactly("b");
            assertThat(runOf("a").workerId()).isEqualTo(worker.workerId());
        }

        @Test
        void aTaskClaimedByAnotherOwnerIsNotClaimedHere() {
            add(aTask("a"), aTask("b"));
            OtherOwner owner = otherOwner();
            assertThat(ids(owner.commit(List.of(), 1).claimed())).containsExactly("a");

            CommitResult here = store.commit(worker, List.of(), 5);

            assertThat(ids(here.claimed())).containsExactly("b");
            assertThat(runOf("a").workerId()).isEqualTo(owner.worker().workerId());
            assertThat(store.claims()).extracting(Claim::taskId, Claim::workerId).containsExactlyInAnyOrder(
                    tuple("a", owner.worker().workerId()),
                    tuple("b", worker.workerId()));
        }

        @Test
        void workersOfTwoInstancesCommittingAtOnceClaimEveryTaskExactlyOnce() throws Exception {
            int tasks = 60;
            store.add(IntStream.range(0, tasks).mapToObj(i -> aTask("t" + i).build()).toList());
            List<TaskStore> instances = List.of(store, secondInstance());
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<List<String>>> workers = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    TaskStore instance = instances.get(w % 2);
                    WorkerIdentity identity = WorkerIdentity.create();
                    workers.add(threads.submit(() -> {
                        go.await();
                        List<String> mine = new ArrayList<>();
                        List<Lease> got;
                        do {
                            got = instance.commit(identity, List.of(), 3).claimed();
                            got.forEach(lease -> mine.add(lease.taskId()));
                        } while (!got.isEmpty());
                        return mine;
                    }));
                }
                go.countDown();
                List<String> claimed = new ArrayList<>();
                for (Future<List<String>> w : workers) {
                    claimed.addAll(w.get(2, TimeUnit.MINUTES));
                }

                assertThat(claimed).hasSize(tasks).doesNotHaveDuplicates();
                assertThat(store.summary().inProgress()).isEqualTo(tasks);
                assertThat(store.claims()).hasSize(tasks);
            } finally {
                threads.shutdownNow();
            }
        }

        @Test
        void aTaskIsClaimedOnlyAfterAllItsDependenciesCompleted() {
            add(aTask("a"), aTask("b"), aTask("c").dependsOn(List.of("a", "b")));
            List<Lease> ab = claim(5);
            assertThat(ids(ab)).containsExactly("a", "b");

            CommitResult afterA = store.commit(worker, List.of(Finish.done(ab.get(0), OK)), 5);
            CommitResult afterB = store.commit(worker, List.of(Finish.done(ab.get(1), OK)), 5);

            assertThat(afterA.claimed()).isEmpty();
            assertThat(statusOf("c")).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(ids(afterB.claimed())).containsExactly("c");
        }

        @Test
        void aCommitNeverClaimsATaskWhoseOwnerDiedBeforeItIsAbandoned() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            owner.commit(List.of(), 1);
            owner.crash();

            // The dead owner's grind may still run: only a takeover (which ends it first) may free the task.
            assertThat(claim(5)).isEmpty();
            assertThat(statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
        }
    }

    @Nested
    class Finishing {

        @Test
        void aSuccessIsRecordedAndTheClaimEnds() {
            add(aTask("a"));
            Lease lease = claimOne("a");
            clock.advance(Duration.ofSeconds(5));

            CommitResult result = finish(lease, OK);

            assertThat(result.lost()).isEmpty();
            TaskRun run = runOf("a");
            assertThat(run.status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(run.completedAt()).isEqualTo(START.plusSeconds(5));
            assertThat(run.budgetUsed()).isEqualTo(0.05);
            assertThat(run.result()).isEqualTo("done");
            assertThat(run.exitCode()).isZero();
            assertThat(run.output()).isEqualTo("all good");
            assertThat(store.claims()).isEmpty();
            assertThat(store.summary().isSettled()).isTrue();
        }

        @Test
        void finishingAndClaimingHappenInOneCommit() {
            add(aTask("a"), aTask("b").dependsOn(List.of("a")));
            Lease a = claimOne("a");

            CommitResult result = store.commit(worker, List.of(Finish.done(a, OK)), 1);

            assertThat(ids(result.claimed())).containsExactly("b");
            assertThat(statusOf("a")).isEqualTo(TaskStatus.COMPLETED);
        }

        @Test
        void aReleasedTaskGoesBackToPendingWithoutUsingAnAttempt() {
            add(aTask("a"));
            Lease lease = claimOne("a");

            CommitResult result = store.commit(worker, List.of(Finish.released(lease)), 0);

            assertThat(result.lost()).isEmpty();
            assertThat(statusOf("a")).isEqualTo(TaskStatus.PENDING);
            assertThat(runOf("a").attempts()).isZero();
            assertThat(store.claims()).isEmpty();
            assertThat(result.runnableLeft()).isTrue();
            assertThat(claimOne("a").attempt()).isEqualTo(1);
        }
    }

    @Nested
    class Retrying {

        @Test
        void aFailedAttemptWithAttemptsLeftWaitsOutItsBackoff() {
            add(aTask("a").maxAttempts(3));
            Lease first = claimOne("a");

            CommitResult result = finish(first, BROKEN);

            assertThat(result.nextBackoffEnd()).contains(START.plusSeconds(1));
            TaskRun run = runOf("a");
            assertThat(run.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(run.attempts()).isEqualTo(1);
            assertThat(run.backoffUntil()).isEqualTo(START.plusSeconds(1));
            assertThat(run.error()).isEqualTo("exit code 1");
            clock.advance(Duration.ofMillis(999));
            assertThat(claim(1)).isEmpty();
            clock.advance(Duration.ofMillis(1));
            assertThat(claimOne("a").attempt()).isEqualTo(2);
        }

        @Test
        void theBackoffGrowsWithEachFailedAttempt() {
            add(aTask("a").maxAttempts(5));
            finish(claimOne("a"), BROKEN);
            clock.advance(Duration.ofSeconds(1));

            CommitResult second = finish(claimOne("a"), BROKEN);

            assertThat(second.nextBackoffEnd()).contains(START.plusSeconds(1 + 2));
            assertThat(runOf("a").attempts()).isEqualTo(2);
        }

        @Test
        void theLastAllowedAttemptFailsTheTaskForGood() {
            add(aTask("a").maxAttempts(2));
            finish(claimOne("a"), BROKEN);
            clock.advance(Duration.ofSeconds(1));

            CommitResult result = finish(claimOne("a"), BROKEN);

            TaskRun run = runOf("a");
            assertThat(run.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(run.attempts()).isEqualTo(2);
            assertThat(run.error()).isEqualTo("exit code 1");
            assertThat(run.backoffUntil()).isNull();
            assertThat(result.nextBackoffEnd()).isEmpty();
            clock.advance(Duration.ofMinutes(10));
            assertThat(claim(1)).isEmpty();
        }

        @Test
        void aFailureThatWouldOnlyRepeatItselfIsNotRetried() {
            add(aTask("a").maxAttempts(5));

            finish(claimOne("a"), HOPELESS);

            assertThat(statusOf("a")).isEqualTo(TaskStatus.FAILED);
            assertThat(runOf("a").error()).isEqualTo("budget exhausted");
        }
    }

    @Nested
    class Blocking {

        @Test
        void aFailedDependencyBlocksTheWholeChainWithReasons() {
            add(aTask("a").maxAttempts(1), aTask("b").dependsOn(List.of("a")), aTask("c").dependsOn(List.of("b")),
                    aTask("free"));
            Lease a = claimOne("a");

            CommitResult result = store.commit(worker, List.of(Finish.done(a, BROKEN)), 5);

            assertThat(ids(result.claimed())).containsExactly("free");
            assertThat(statusOf("b")).isEqualTo(TaskStatus.BLOCKED);
            assertThat(runOf("b").error()).isEqualTo("dependency 'a' is failed");
            assertThat(statusOf("c")).isEqualTo(TaskStatus.BLOCKED);
            assertThat(runOf("c").error()).isEqualTo("dependency 'b' is blocked");
        }

        @Test
        void aFailureWithAttemptsLeftBlocksNothing() {
            add(aTask("a").maxAttempts(2), aTask("b").dependsOn(List.of("a")));

            finish(claimOne("a"), BROKEN);

            assertThat(statusOf("b")).isEqualTo(TaskStatus.PENDING);
        }
    }
}
