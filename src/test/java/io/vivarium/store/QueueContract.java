package io.vivarium.store;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vivarium.task.InvalidTaskException;
import io.vivarium.task.Priority;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import io.vivarium.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The store contract, part: adding tasks, reading them back, the version every change moves, and waiting for a change. Run on every store by its contract test
 * ({@code FileTaskStoreContractTest}, {@code PostgresTaskStoreContractTest}); the fixtures are {@link TaskStoreContract}'s.
 */
public abstract class QueueContract extends TaskStoreContract {

    @Nested
    class Adding {

        @Test
        void tasksKeepTheOrderTheyWereAddedIn() {
            add(aTask("b"), aTask("a"));
            add(aTask("c").priority(Priority.HIGH));

            assertThat(store.snapshot().tasks()).extracting(Task::id).containsExactly("b", "a", "c");
            assertThat(store.query(TaskQuery.all()).items()).extracting(TaskEntry::id).containsExactly("b", "a", "c");
        }

        @Test
        void createdAtIsStampedFromTheStoreClockWhenTheTaskHasNone() {
            clock.advance(Duration.ofMillis(1500));
            Instant given = Instant.parse("2025-12-31T23:59:59Z");

            add(aTask("a"), aTask("b").createdAt(given));

            assertThat(store.find("a").orElseThrow().task().createdAt()).isEqualTo(START.plusMillis(1500));
            assertThat(store.find("b").orElseThrow().task().createdAt()).isEqualTo(given);
        }

        @Test
        void aTaskKeepsEveryFieldItWasAddedWith() {
            Task task = aTask("a").description("compile the docs").command("make docs").minBudget(0.2)
                    .maxBudget(0.5).priority(Priority.LOW).maxAttempts(7).createdAt(START).build();
            add(aTask("base"));

            store.add(List.of(task.toBuilder().dependsOn(List.of("base")).build()));

            assertThat(store.find("a").orElseThrow().task())
                    .isEqualTo(task.toBuilder().dependsOn(List.of("base")).build());
        }

        @Test
        void aBatchWithAnIdAlreadyInTheQueueAddsNothing() {
            add(aTask("a"));

            assertThatThrownBy(() -> add(aTask("b"), aTask("a"))).isInstanceOf(DuplicateTaskException.class);

            assertThat(store.snapshot().tasks()).extracting(Task::id).containsExactly("a");
        }

        @Test
        void aBatchWithTheSameIdTwiceAddsNothing() {
            assertThatThrownBy(() -> add(aTask("c"), aTask("c"))).isInstanceOf(DuplicateTaskException.class);

            assertThat(store.summary().totalTasks()).isZero();
        }

        @Test
        void aDependencyMayNameATaskAddedEarlierOrLaterInTheSameBatch() {
            add(aTask("a"));

            add(aTask("c").dependsOn(List.of("b")), aTask("b").dependsOn(List.of("a")));

            assertThat(store.snapshot().tasks()).extracting(Task::id).containsExactly("a", "c", "b");
            assertThat(store.find("c").orElseThrow().task().dependsOn()).containsExactly("b");
        }

        @Test
        void aBatchWithAnUnknownDependencyAddsNothing() {
            assertThatThrownBy(() -> add(aTask("a"), aTask("b").dependsOn(List.of("ghost"))))
                    .isInstanceOf(InvalidTaskException.class)
                    .hasMessageContaining("ghost");

            assertThat(store.summary().totalTasks()).isZero();
        }

        @Test
        void aBatchThatWouldMakeADependencyCycleAddsNothing() {
            add(aTask("a"));

            assertThatThrownBy(() -> add(aTask("x").dependsOn(List.of("y")), aTask("y").dependsOn(List.of("x"))))
                    .isInstanceOf(InvalidTaskException.class)
                    .hasMessageContaining("dependency cycle");

            assertThat(store.snapshot().tasks()).extracting(Task::id).containsExactly("a");
        }

        @Test
        void addingAnEmptyBatchChangesNothing() {
            long before = store.version();

            store.add(List.of());

            assertThat(store.version()).isEqualTo(before);
            assertThat(store.summary().totalTasks()).isZero();
        }
    }

    @Nested
    class Reading {

        @Test
        void anEmptyStoreHasNoTasksNoClaimsAndASummaryOfZeros() {
            assertThat(store.summary()).isEqualTo(new Summary(0, 0, 0, 0, 0, 0, 0, 0.0));
            assertThat(store.snapshot().tasks()).isEmpty();
            assertThat(store.query(TaskQuery.all())).isEqualTo(new TaskPage(List.of(), 0));
            assertThat(store.claims()).isEmpty();
            assertThat(store.findStaleClaims()).isEmpty();
        }

        @Test
        void findGivesATaskWithItsRunStateAndNothingForAnUnknownId() {
            add(aTask("a").description("first"));

            TaskEntry entry = store.find("a").orElseThrow();

            assertThat(entry.task().description()).isEqualTo("first");
            assertThat(entry.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(entry.run().attempts()).isZero();
            assertThat(store.find("nope")).isEmpty();
        }

        @Test
        void queryFiltersByState() {
            add(aTask("a"), aTask("b"), aTask("c"));
            claimOne("a");

            assertThat(store.query(TaskQuery.inState(TaskStatus.PENDING)).items())
                    .extracting(TaskEntry::id).containsExactly("b", "c");
            TaskPage running = store.query(TaskQuery.inState(TaskStatus.IN_PROGRESS));
            assertThat(running.items()).extracting(TaskEntry::id).containsExactly("a");
            assertThat(running.items().get(0).run().workerId()).isEqualTo(worker.workerId());
            assertThat(running.total()).isEqualTo(1);
            assertThat(store.query(TaskQuery.inState(TaskStatus.FAILED))).isEqualTo(new TaskPage(List.of(), 0));
        }

        @Test
        void queryFindsTextInTheIdOrTheDescriptionWhateverItsCase() {
            add(aTask("deploy_web"), aTask("build").description("Build before we DEPLOY"), aTask("test"),
                    aTask("other").description("nothing to see"));

            TaskPage page = store.query(new TaskQuery(null, "deploy", 0, 10));

            assertThat(page.items()).extracting(TaskEntry::id).containsExactly("deploy_web", "build");
            assertThat(page.total()).isEqualTo(2);
        }

        @Test
        void queryCombinesStateAndText() {
            add(aTask("deploy_a"), aTask("deploy_b"), aTask("c").description("deploy c"));
            claimOne("deploy_a");

            TaskPage page = store.query(new TaskQuery(TaskStatus.PENDING, "DEPLOY", 0, 10));

            assertThat(page.items()).extracting(TaskEntry::id).containsExactly("deploy_b", "c");
        }

        @Test
        void queryPagesInQueueOrderAndCountsEveryMatch() {
            add(aTask("t1"), aTask("t2").priority(Priority.HIGH), aTask("t3"), aTask("t4"), aTask("t5"));

            TaskPage second = store.query(TaskQuery.all().page(2, 2));
            TaskPage last = store.query(TaskQuery.all().page(4, 2));
            TaskPage beyond = store.query(TaskQuery.all().page(10, 2));

            assertThat(second.items()).extracting(TaskEntry::id).containsExactly("t3", "t4");
            assertThat(second.total()).isEqualTo(5);
            assertThat(last.items()).extracting(TaskEntry::id).containsExactly("t5");
            assertThat(beyond.items()).isEmpty();
            assertThat(beyond.total()).isEqualTo(5);
        }

        @Test
        void theSnapshotHoldsEveryTaskInQueueOrderWithItsRun() {
            add(aTask("a"), aTask("b"));
            claimOne("a");

            Snapshot snapshot = store.snapshot();

            assertThat(snapshot.tasks()).extracting(Task::id).containsExactly("a", "b");
            assertThat(snapshot.statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(snapshot.statusOf("b")).isEqualTo(TaskStatus.PENDING);
        }

        @Test
        void theSummaryCountsEveryStateAndItsCountsAddUpToTheTotal() {
            // a completes, b fails for good, c runs, d waits on c, e is blocked by b, f is cancelled.
            add(aTask("a"), aTask("b").maxAttempts(1), aTask("c"), aTask("d").dependsOn(List.of("c")),
                    aTask("e").dependsOn(List.of("b")), aTask("f"));
            List<Lease> leases = claim(3);
            assertThat(leases).extracting(Lease::taskId).containsExactly("a", "b", "c");
            store.commit(worker, List.of(Finish.done(leases.get(0), OK), Finish.done(leases.get(1), BROKEN)), 0);
            store.cancel("f");

            Summary summary = store.summary();

            assertThat(summary).isEqualTo(new Summary(6, 1, 1, 1, 1, 1, 1, 0.08));
            int sum = 0;
            for (TaskStatus status : TaskStatus.values()) {
                sum += summary.count(status);
                assertThat(store.query(TaskQuery.inState(status)).total()).isEqualTo(summary.count(status));
            }
            assertThat(sum).isEqualTo(summary.totalTasks());
        }
    }

    @Nested
    class Versions {

        @Test
        void everyWriteChangesTheVersion() {
            List<Long> seen = new ArrayList<>();
            seen.add(store.version());
            add(aTask("a").maxAttempts(1), aTask("b"), aTask("c"));
            seen.add(store.version());
            Lease a = claimOne("a");
            seen.add(store.version());
            finish(a, BROKEN);
            seen.add(store.version());
            store.retry(List.of("a"));
            seen.add(store.version());
            store.cancel("b");
            seen.add(store.version());
            store.clear();
            seen.add(store.version());

            assertThat(seen).doesNotHaveDuplicates();
        }

        @Test
        void readsAndCommitsWithNothingToDoLeaveTheVersionAlone() {
            add(aTask("a"), aTask("b").dependsOn(List.of("a")));
            claimOne("a");
            long before = store.version();

            store.summary();
            store.find("a");
            store.query(TaskQuery.all());
            store.snapshot();
            store.claims();
            store.findStaleClaims();
            store.abandon(List.of());
            store.retryFailed();
            CommitResult nothing = store.commit(worker, List.of(), 5);

            assertThat(nothing.claimed()).isEmpty();
            assertThat(nothing.version()).isEqualTo(before);
            assertThat(store.version()).isEqualTo(before);
        }

        @Test
        void aCommitReportsTheVersionItLeftBehind() {
            add(aTask("a"));

            CommitResult result = store.commit(worker, List.of(), 1);

            assertThat(result.version()).isEqualTo(store.version());
        }

        @Test
        void aWriteThroughAnotherInstanceChangesThisInstancesVersion() {
            TaskStore second = secondInstance();
            add(aTask("a"));
            long before = store.version();

            second.add(List.of(aTask("b").build()));

            assertThat(store.version()).isNotEqualTo(before);
            assertThat(store.find("b")).isPresent();
        }
    }

    @Nested
    class AwaitingChange {

        private static final Duration PROMPTLY = Duration.ofSeconds(2);

        @Test
        void returnsAtOnceWhenTheVersionAlreadyDiffers() throws Exception {
            long old = store.version();
            add(aTask("a"));

            long started = System.nanoTime();
            long now = store.awaitChange(old, Duration.ofSeconds(30));

            assertThat(now).isEqualTo(store.version()).isNotEqualTo(old);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PROMPTLY);
        }

        @Test
        void returnsTheSameVersionAfterTheTimeoutWhenNothingChanged() throws Exception {
            add(aTask("a"));
            long current = store.version();
            Duration timeout = Duration.ofMillis(300);

            long started = System.nanoTime();
            long now = store.awaitChange(current, timeout);
            Duration waited = Duration.ofNanos(System.nanoTime() - started);

            assertThat(now).isEqualTo(current);
            assertThat(waited).isGreaterThanOrEqualTo(timeout).isLessThan(timeout.plus(PROMPTLY));
        }

        @Test
        void wakesSoonAfterAnotherInstanceWrites() throws Exception {
            TaskStore second = secondInstance();
            long seen = store.version();
            CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return store.awaitChange(seen, Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });

            long wrote = System.nanoTime();
            second.add(List.of(aTask("a").build()));
            long now = waiting.get(PROMPTLY.toMillis() * 3, TimeUnit.MILLISECONDS);

            assertThat(now).isNotEqualTo(seen);
            assertThat(Duration.ofNanos(System.nanoTime() - wrote)).isLessThan(PROMPTLY);
        }
    }
}
