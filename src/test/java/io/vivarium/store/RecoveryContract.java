package io.vivarium.store;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The store contract, part: fencing stale results, renewing heartbeats, and taking over the claims of dead or hung owners. Run on every store by its contract test
 * ({@code FileTaskStoreContractTest}, {@code PostgresTaskStoreContractTest}); the fixtures are {@link TaskStoreContract}'s.
 */
public abstract class RecoveryContract extends TaskStoreContract {

    @Nested
    class Fencing {

        @Test
        void aLeaseLostToACancelRecordsNothingAndIsReportedLost() {
            add(aTask("a"));
            Lease lease = claimOne("a");
            store.cancel("a");

            assertThat(store.renew(List.of(lease))).containsExactly(lease);
            CommitResult result = finish(lease, OK);

            assertThat(result.lost()).containsExactly(lease);
            TaskRun run = runOf("a");
            assertThat(run.status()).isEqualTo(TaskStatus.CANCELLED);
            assertThat(run.result()).isNull();
            assertThat(store.recordGrind(lease, 4242, START)).isFalse();
        }

        @Test
        void everyClaimOfATaskCarriesAFenceOfItsOwn() {
            add(aTask("a"));
            Lease first = claimOne("a");
            store.commit(worker, List.of(Finish.released(first)), 0);

            Lease second = claimOne("a");

            assertThat(second.fence()).isNotEqualTo(first.fence());
        }

        @Test
        void aSupersededLeaseOfTheSameWorkerCanNeitherRenewNorFinish() {
            add(aTask("a"));
            Lease first = claimOne("a");
            store.commit(worker, List.of(Finish.released(first)), 0);
            Lease second = claimOne("a");

            assertThat(store.renew(List.of(first))).containsExactly(first);
            CommitResult late = finish(first, OK);

            assertThat(late.lost()).containsExactly(first);
            assertThat(statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(store.renew(List.of(second))).isEmpty();
            assertThat(finish(second, OK).lost()).isEmpty();
            assertThat(statusOf("a")).isEqualTo(TaskStatus.COMPLETED);
        }

        @Test
        void anOwnerWhoseClaimWasTakenOverLearnsItAtItsNextHeartbeatAndRecordsNothing() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            Lease theirs = owner.commit(List.of(), 1).claimed().get(0);
            clock.advance(LEASE.plusSeconds(1));
            assertThat(reap()).extracting(Takeover::reason).containsExactly(Takeover.Reason.LEASE_EXPIRED);
            Lease ours = claimOne("a");

            assertThat(owner.renew(List.of(theirs))).extracting(Lease::taskId).containsExactly("a");
            CommitResult late = owner.commit(List.of(Finish.done(theirs, OK)), 0);

            assertThat(late.lost()).extracting(Lease::taskId).containsExactly("a");
            TaskRun run = runOf("a");
            assertThat(run.status()).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(run.workerId()).isEqualTo(worker.workerId());
            assertThat(run.result()).isNull();
            assertThat(store.renew(List.of(ours))).isEmpty();
        }

        @Test
        void aCancelMadeElsewhereReachesTheOwnerAtItsNextHeartbeat() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            Lease theirs = owner.commit(List.of(), 1).claimed().get(0);

            TaskStore.Cancellation cancellation = store.cancel("a");

            assertThat(cancellation.endedClaim()).hasValueSatisfying(claim ->
                    assertThat(claim.workerId()).isEqualTo(owner.worker().workerId()));
            assertThat(owner.renew(List.of(theirs))).extracting(Lease::taskId).containsExactly("a");
            assertThat(owner.commit(List.of(Finish.done(theirs, OK)), 0).lost())
                    .extracting(Lease::taskId).containsExactly("a");
            assertThat(statusOf("a")).isEqualTo(TaskStatus.CANCELLED);
            assertThat(runOf("a").result()).isNull();
        }

        @Test
        void aLateFinishUnderTheLeaseOfADeadOwnerRecordsNothing() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            Lease theirs = owner.commit(List.of(), 1).claimed().get(0);
            owner.crash();
            reap();
            claimOne("a");

            CommitResult late = store.commit(owner.worker(), List.of(Finish.done(theirs, OK)), 0);

            assertThat(late.lost()).extracting(Lease::taskId).containsExactly("a");
            assertThat(runOf("a").workerId()).isEqualTo(worker.workerId());
            assertThat(statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
        }
    }

    @Nested
    class Heartbeats {

        @Test
        void aRenewMovesTheHeartbeat() {
            add(aTask("a"));
            Lease lease = claimOne("a");
            clock.advance(Duration.ofSeconds(4));

            assertThat(store.renew(List.of(lease))).isEmpty();

            assertThat(store.claims()).singleElement().satisfies(claim -> {
                assertThat(claim.acquiredAt()).isEqualTo(START);
                assertThat(claim.heartbeatAt()).isEqualTo(START.plusSeconds(4));
            });
        }

        @Test
        void anOwnerThatKeepsRenewingIsNeverTakenOver() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            Lease theirs = owner.commit(List.of(), 1).claimed().get(0);

            for (int beat = 0; beat < 4; beat++) {
                clock.advance(LEASE.minusSeconds(2));
                assertThat(owner.renew(List.of(theirs))).isEmpty();
                assertThat(store.findStaleClaims()).isEmpty();
            }
            assertThat(statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
        }

        @Test
        void theGrindOfAClaimIsKeptForWhoeverEndsIt() {
            add(aTask("a"));
            Lease lease = claimOne("a");
            Instant startedAt = START.plusMillis(20);

            assertThat(store.recordGrind(lease, 4242, startedAt)).isTrue();

            assertThat(store.claims()).singleElement().satisfies(claim -> {
                assertThat(claim.grindPid()).isEqualTo(4242L);
                assertThat(claim.grindStartedAt()).isEqualTo(startedAt);
            });
            TaskStore.Cancellation cancellation = store.cancel("a");
            assertThat(cancellation.endedClaim()).hasValueSatisfying(claim -> {
                assertThat(claim.workerId()).isEqualTo(worker.workerId());
                assertThat(claim.grindPid()).isEqualTo(4242L);
                assertThat(claim.grindStartedAt()).isEqualTo(startedAt);
            });
        }
    }

    @Nested
    class TakingOver {

        @Test
        void aDeadOwnersClaimIsFoundAtOnceAndTakenOverWithItsAttemptCounted() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            owner.commit(List.of(), 1);
            owner.crash();

            List<StaleClaim> stale = store.findStaleClaims();

            assertThat(stale).singleElement().satisfies(claim -> {
                assertThat(claim.taskId()).isEqualTo("a");
                assertThat(claim.reason()).isEqualTo(Takeover.Reason.OWNER_DIED);
                assertThat(claim.previousWorker()).isEqualTo(owner.worker().workerId());
            });
            assertThat(store.abandon(stale)).containsExactly(
                    new Takeover("a", owner.worker().workerId(), Takeover.Reason.OWNER_DIED));
            TaskRun run = runOf("a");
            assertThat(run.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(run.attempts()).isEqualTo(1);
            assertThat(run.error()).contains(owner.worker().workerId());
            assertThat(store.claims()).isEmpty();
            assertThat(claimOne("a").attempt()).isEqualTo(2);
        }

        @Test
        void aStaleClaimCarriesTheOwnersHostAndGrindSoThatAReaperThereCanEndIt() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            Lease theirs = owner.commit(List.of(), 1).claimed().get(0);
            Instant grindStart = START.plusMillis(30);
            assertThat(owner.recordGrind(theirs, 4242, grindStart)).isTrue();
            clock.advance(LEASE.plusSeconds(1));

            List<StaleClaim> stale = store.findStaleClaims();

            assertThat(stale).singleElement().extracting(StaleClaim::claim).satisfies(claim -> {
                assertThat(claim.workerId()).isEqualTo(owner.worker().workerId());
                assertThat(claim.host()).isEqualTo(owner.worker().host());
                assertThat(claim.pid()).isEqualTo(owner.worker().pid());
                assertThat(claim.grindPid()).isEqualTo(4242L);
                assertThat(claim.grindStartedAt()).isEqualTo(grindStart);
            });
        }

        @Test
        void aDeadOwnersTaskWithNoAttemptLeftFails() {
            add(aTask("a").maxAttempts(1), aTask("b"));
            OtherOwner owner = otherOwner();
            owner.commit(List.of(), 1);
            owner.crash();

            reap();

            TaskRun run = runOf("a");
            assertThat(run.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(run.attempts()).isEqualTo(1);
            assertThat(run.error()).contains(owner.worker().workerId());
            assertThat(ids(claim(5))).containsExactly("b");
        }

        @Test
        void aTakeoverThatFailsATaskBlocksItsDependents() {
            add(aTask("a").maxAttempts(1), aTask("b").dependsOn(List.of("a")));
            OtherOwner owner = otherOwner();
            owner.commit(List.of(), 1);
            owner.crash();

            reap();

            assertThat(statusOf("b")).isEqualTo(TaskStatus.BLOCKED);
            assertThat(runOf("b").error()).isEqualTo("dependency 'a' is failed");
        }

        @Test
        void aLiveOwnersClaimIsTakenOverOnlyOnceItsLeaseHasPassed() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            owner.commit(List.of(), 1);

            clock.advance(LEASE.minusSeconds(1));
            assertThat(store.findStaleClaims()).isEmpty();
            clock.advance(Duration.ofSeconds(2));
            List<StaleClaim> stale = store.findStaleClaims();

            assertThat(stale).singleElement().satisfies(claim -> {
                assertThat(claim.reason()).isEqualTo(Takeover.Reason.LEASE_EXPIRED);
                assertThat(claim.previousWorker()).isEqualTo(owner.worker().workerId());
            });
            assertThat(store.abandon(stale)).containsExactly(
                    new Takeover("a", owner.worker().workerId(), Takeover.Reason.LEASE_EXPIRED));
            assertThat(statusOf("a")).isEqualTo(TaskStatus.PENDING);
            assertThat(runOf("a").attempts()).isEqualTo(1);
            assertThat(claimOne("a").attempt()).isEqualTo(2);
        }

        @Test
        void ourOwnLiveClaimsAreNeverTakenOver() {
            add(aTask("a"));
            Lease lease = claimOne("a");
            clock.advance(Duration.ofMinutes(30));

            assertThat(store.findStaleClaims()).isEmpty();
            assertThat(store.renew(List.of(lease))).isEmpty();
            assertThat(statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
        }

        @Test
        void abandonLeavesAClaimRenewedSinceItWasFound() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            Lease theirs = owner.commit(List.of(), 1).claimed().get(0);
            clock.advance(LEASE.plusSeconds(1));
            List<StaleClaim> found = store.findStaleClaims();
            assertThat(found).extracting(StaleClaim::reason).containsExactly(Takeover.Reason.LEASE_EXPIRED);

            assertThat(owner.renew(List.of(theirs))).isEmpty();
            List<Takeover> takeovers = store.abandon(found);

            assertThat(takeovers).isEmpty();
            assertThat(runOf("a").workerId()).isEqualTo(owner.worker().workerId());
            assertThat(owner.commit(List.of(Finish.done(theirs, OK)), 0).lost()).isEmpty();
            assertThat(statusOf("a")).isEqualTo(TaskStatus.COMPLETED);
        }

        @Test
        void twoReapersThatFoundTheSameDeadClaimTakeItOverOnce() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            owner.commit(List.of(), 1);
            owner.crash();
            TaskStore second = secondInstance();
            List<StaleClaim> foundHere = store.findStaleClaims();
            List<StaleClaim> foundThere = second.findStaleClaims();

            List<Takeover> first = store.abandon(foundHere);
            List<Takeover> again = second.abandon(foundThere);

            assertThat(first).hasSize(1);
            assertThat(again).isEmpty();
            assertThat(runOf("a").attempts()).isEqualTo(1);
        }

        @Test
        void abandonLeavesAClaimThatReplacedTheOneFound() {
            add(aTask("a"));
            OtherOwner owner = otherOwner();
            owner.commit(List.of(), 1);
            owner.crash();
            List<StaleClaim> found = store.findStaleClaims();
            assertThat(secondInstance().abandon(found)).hasSize(1);
            Lease replacement = claimOne("a");

            List<Takeover> late = store.abandon(found);

            assertThat(late).isEmpty();
            assertThat(statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(runOf("a").attempts()).isEqualTo(2);
            assertThat(store.renew(List.of(replacement))).isEmpty();
            assertThat(finish(replacement, OK).lost()).isEmpty();
        }
    }
}
