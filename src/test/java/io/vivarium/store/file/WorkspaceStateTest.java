package io.vivarium.store.file;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.spend.SpendLimit;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Priority;
import io.vivarium.task.StartRule;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The file store's in-memory state and its indexes on their own: what a commit may claim, and the counts. */
class WorkspaceStateTest {

    private static final Instant NOW = Instant.parse("2026-01-15T10:30:00Z");
    private static final GrindResult OK = GrindResult.success(0.04, "done", 0, "ok");
    private static final GrindResult BROKEN = GrindResult.failure(0.03, "exit code 1", 1, "boom");

    private final WorkspaceState state = new WorkspaceState(QueueDocument.empty(), ExecutionLog.empty(), 0, NOW);

    private List<String> runnable(Instant at, int max) {
        return state.runnable(at, max, Set.of()).tasks().stream().map(Task::id).toList();
    }

    private void claim(String id) {
        state.setRun(id, state.runOf(id).claim(id, "w", NOW), NOW);
    }

    private void complete(String id) {
        claim(id);
        state.setRun(id, state.runOf(id).complete(id, NOW, OK), NOW);
    }

    @Test
    void runnableTasksComeInClaimOrderAndSayWhetherMoreWereLeft() {
        state.appendTasks(List.of(aTask("low").priority(Priority.LOW).build(), aTask("med").build(),
                aTask("high").priority(Priority.HIGH).build()));

        assertThat(runnable(NOW, 10)).containsExactly("high", "med", "low");
        WorkspaceState.Claimable two = state.runnable(NOW, 2, Set.of());
        assertThat(two.tasks()).extracting(Task::id).containsExactly("high", "med");
        assertThat(two.more()).isTrue();
        assertThat(state.runnable(NOW, 10, Set.of("high")).tasks()).extracting(Task::id).containsExactly("med", "low");
    }

    @Test
    void aDependentBecomesRunnableWhenItsLastDependencyCompletes() {
        state.appendTasks(List.of(aTask("a").build(), aTask("b").build(),
                aTask("c").dependsOn(List.of("a", "b")).build()));

        complete("a");
        assertThat(runnable(NOW, 10)).containsExactly("b");
        complete("b");
        assertThat(runnable(NOW, 10)).containsExactly("c");
        assertThat(state.summary().completed()).isEqualTo(2);
    }

    @Test
    void aBackoffKeepsATaskOutOfTheRunnableOnesUntilItEnds() {
        state.appendTasks(List.of(aTask("a").build()));
        claim("a");
        state.setRun("a", state.runOf("a").fail("a", NOW, BROKEN, NOW.plusSeconds(4)), NOW);

        assertThat(runnable(NOW.plusSeconds(3), 10)).isEmpty();
        assertThat(state.nextBackoffEnd(NOW)).contains(NOW.plusSeconds(4));
        assertThat(state.check(state.task("a").orElseThrow(), NOW, Optional.empty()).reason())
                .isEqualTo(StartRule.Reason.BACKOFF);
        assertThat(runnable(NOW.plusSeconds(4), 10)).containsExactly("a");
        assertThat(state.nextBackoffEnd(NOW.plusSeconds(4))).isEmpty();
    }

    @Test
    void pendingTasksBehindAFailedDependencyAreHandedToTheNextWriterToBlockChainAfterChain() {
        state.appendTasks(List.of(aTask("a").maxAttempts(1).build(), aTask("b").dependsOn(List.of("a")).build(),
                aTask("c").dependsOn(List.of("b")).build()));
        claim("a");
        state.setRun("a", state.runOf("a").fail("a", NOW, BROKEN, null), NOW);

        Map<String, String> first = state.takeBlockable();
        assertThat(first).containsExactly(Map.entry("b", "dependency 'a' is failed"));
        state.setRun("b", state.runOf("b").block("b", NOW, first.get("b")), NOW);

        assertThat(state.takeBlockable()).containsExactly(Map.entry("c", "dependency 'b' is blocked"));
        assertThat(runnable(NOW, 10)).isEmpty();
    }

    @Test
    void countsAndTheLedgerFollowEveryRunChange() {
        state.appendTasks(List.of(aTask("a").maxBudget(0.20).build(), aTask("b").maxBudget(0.50).build()));
        state.limitSpend(Optional.of(SpendLimit.ofDollars(0.60)));

        claim("a");
        assertThat(state.summary().inProgress()).isEqualTo(1);
        assertThat(state.spend().reserved()).isEqualTo(0.20);
        // 0.60 - 0.20 reserved leaves 0.40: b's cap of 0.50 does not fit.
        assertThat(state.check(state.task("b").orElseThrow(), NOW, Optional.empty()).reason())
                .isEqualTo(StartRule.Reason.BUDGET);

        state.setRun("a", state.runOf("a").complete("a", NOW, OK), NOW);
        assertThat(state.summary().completed()).isEqualTo(1);
        assertThat(state.summary().budgetUsed()).isEqualTo(0.04);
        assertThat(state.spend().reserved()).isZero();
        assertThat(state.spend().spent()).isEqualTo(0.04);
        assertThat(state.check(state.task("b").orElseThrow(), NOW, Optional.empty()).mayStart()).isTrue();
    }

    @Test
    void clearingRunsKeepsTheQueueAndMakesEveryTaskPendingAgain() {
        state.appendTasks(List.of(aTask("a").build(), aTask("b").dependsOn(List.of("a")).build()));
        complete("a");

        state.clearRuns();

        assertThat(state.summary().pending()).isEqualTo(2);
        assertThat(runnable(NOW, 10)).containsExactly("a");
        assertThat(state.runOf("a")).isEqualTo(TaskRun.pending());
    }
}
