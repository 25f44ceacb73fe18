package io.vivarium.task;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulingTest {

    private static final Instant NOW = Instant.parse("2026-01-15T10:30:00Z");

    private final Map<String, TaskRun> runs = new HashMap<>();

    private void set(String id, TaskStatus status) {
        TaskRun run = TaskRun.pending();
        switch (status) {
            case PENDING -> { }
            case IN_PROGRESS -> run = run.claim(id, "w", NOW);
            case COMPLETED -> run = run.claim(id, "w", NOW).complete(id, NOW, GrindResult.success(0.05, "", null, null));
            case FAILED -> run = run.claim(id, "w", NOW).fail(id, NOW, GrindResult.failure(0.05, "x", 1, null), null);
            case BLOCKED -> run = run.block(id, NOW, "x");
            case CANCELLED -> run = run.cancel(id, NOW, 0.10);
        }
        runs.put(id, run);
    }

    @Test
    void priorityFirstThenQueueOrder() {
        List<Task> queue = List.of(aTask("low1").priority(Priority.LOW).build(), aTask("med1").build(),
                aTask("high1").priority(Priority.HIGH).build(), aTask("med2").build(),
                aTask("high2").priority(Priority.HIGH).build());

        assertThat(Scheduling.runnable(queue, runs::get, StartRule.Context.at(NOW))).extracting(Task::id)
                .containsExactly("high1", "high2", "med1", "med2", "low1");
    }

    @Test
    void aTaskWaitsUntilEveryDependencyCompleted() {
        List<Task> queue = List.of(aTask("a").build(), aTask("b").build(),
                aTask("c").dependsOn(List.of("a", "b")).build());
        set("a", TaskStatus.COMPLETED);
        set("b", TaskStatus.IN_PROGRESS);

        assertThat(Scheduling.runnable(queue, runs::get, StartRule.Context.at(NOW))).isEmpty();
        set("b", TaskStatus.COMPLETED);
        assertThat(Scheduling.runnable(queue, runs::get, StartRule.Context.at(NOW))).extracting(Task::id).containsExactly("c");
    }

    @Test
    void aFailedOrCancelledDependencyBlocksTheWholeChain() {
        List<Task> queue = List.of(aTask("a").build(), aTask("b").dependsOn(List.of("a")).build(),
                aTask("c").dependsOn(List.of("b")).build(), aTask("x").build(),
                aTask("y").dependsOn(List.of("x")).build());
        set("a", TaskStatus.FAILED);
        set("x", TaskStatus.CANCELLED);

        var statusOf = Scheduling.statusOf(queue, runs::get);
        var context = StartRule.Context.at(NOW);

        assertThat(StartRule.check(queue.get(1), runs.get("b"), statusOf, context))
                .isEqualTo(new StartRule.Verdict(StartRule.Reason.BLOCKED, "dependency 'a' is failed", null));
        assertThat(StartRule.check(queue.get(4), runs.get("y"), statusOf, context))
                .isEqualTo(new StartRule.Verdict(StartRule.Reason.BLOCKED, "dependency 'x' is cancelled", null));
        // Until a store blocks 'b', 'c' only waits for it; once 'b' is blocked, 'c' can never start either.
        assertThat(StartRule.check(queue.get(2), runs.get("c"), statusOf, context).reason())
                .isEqualTo(StartRule.Reason.DEPENDENCY);
        set("b", TaskStatus.BLOCKED);
        assertThat(StartRule.check(queue.get(2), runs.get("c"), Scheduling.statusOf(queue, runs::get), context))
                .isEqualTo(new StartRule.Verdict(StartRule.Reason.BLOCKED, "dependency 'b' is blocked", null));
        assertThat(StartRule.check(aTask("z").dependsOn(List.of("gone")).build(), null, statusOf, context).detail())
                .isEqualTo("dependency 'gone' is not in the queue");
    }

    @Test
    void underASpendLimitEachClaimReservesItsCapAndATaskThatDoesNotFitHidesNoneBehindIt() {
        List<Task> queue = List.of(aTask("big").maxBudget(0.50).build(), aTask("small1").maxBudget(0.10).build(),
                aTask("small2").maxBudget(0.10).build(), aTask("small3").maxBudget(0.10).build());
        var context = new StartRule.Context(NOW, java.util.OptionalLong.of(Money.micros(0.25)));

        assertThat(Scheduling.claimable(queue, runs::get, context, 10)).extracting(Task::id)
                .containsExactly("small1", "small2");
        assertThat(StartRule.check(queue.get(0), null, Scheduling.statusOf(queue, runs::get), context).reason())
                .isEqualTo(StartRule.Reason.BUDGET);
        assertThat(Scheduling.claimable(queue, runs::get, StartRule.Context.at(NOW), 3)).extracting(Task::id)
                .containsExactly("big", "small1", "small2");
    }

    @Test
    void retryingTheFailedDependencyUnblocksTheChain() {
        List<Task> queue = List.of(aTask("a").build(), aTask("b").dependsOn(List.of("a")).build(),
                aTask("c").dependsOn(List.of("b")).build());
        set("a", TaskStatus.PENDING);
        set("b", TaskStatus.BLOCKED);
        set("c", TaskStatus.BLOCKED);

        assertThat(Scheduling.toUnblock(queue, runs::get)).containsExactly("b", "c");
    }

    @Test
    void backoffHoldsATaskBackAndReportsWhenItEnds() {
        List<Task> queue = List.of(aTask("a").build());
        TaskRun failedOnce = TaskRun.pending().claim("a", "w", NOW)
                .fail("a", NOW, GrindResult.failure(0.05, "x", 1, null), NOW.plusSeconds(4));
        runs.put("a", failedOnce);

        assertThat(Scheduling.runnable(queue, runs::get, StartRule.Context.at(NOW.plusSeconds(3)))).isEmpty();
        assertThat(StartRule.timed(queue.get(0), failedOnce).until()).isEqualTo(NOW.plusSeconds(4));
        assertThat(Scheduling.runnable(queue, runs::get, StartRule.Context.at(NOW.plusSeconds(4)))).hasSize(1);
    }

    @Test
    void backoffDoublesPerAttemptUpToItsCap() {
        RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(10));

        assertThat(policy.nextAttemptAt(1, NOW)).isEqualTo(NOW.plusSeconds(2));
        assertThat(policy.nextAttemptAt(2, NOW)).isEqualTo(NOW.plusSeconds(4));
        assertThat(policy.nextAttemptAt(3, NOW)).isEqualTo(NOW.plusSeconds(8));
        assertThat(policy.nextAttemptAt(4, NOW)).isEqualTo(NOW.plusSeconds(10));
        assertThat(policy.nextAttemptAt(99, NOW)).isEqualTo(NOW.plusSeconds(10));
    }
}
