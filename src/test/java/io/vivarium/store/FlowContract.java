package io.vivarium.store;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vivarium.task.InvalidTaskException;
import io.vivarium.task.Money;
import io.vivarium.task.Task;
import io.vivarium.task.TaskKeys;
import io.vivarium.task.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The store contract, part: flow control (issue 21): dedup keys and prune. Run on every store by its contract test
 * ({@code FileTaskStoreContractTest}, {@code PostgresTaskStoreContractTest}); the fixtures are {@link TaskStoreContract}'s.
 */
public abstract class FlowContract extends TaskStoreContract {

    // --- dedup keys (add --key) ---

    @Test
    void aKeyIsHeldWhileItsTaskIsPendingOrRunningAndFreedWhenItEnds() {
        assertThat(store.addDeduplicated(List.of(aTask("a").key("deploy").build())))
                .containsExactly(new TaskKeys.Answer("a", true));
        assertThat(store.addDeduplicated(List.of(aTask("b").key("deploy").build(), aTask("c").build())))
                .containsExactly(new TaskKeys.Answer("a", false), new TaskKeys.Answer("c", true));
        assertThat(store.addDeduplicated(List.of(aTask("a").key("deploy").build())))
                .as("the same id and key again: the task that holds it answers, no duplicate error")
                .containsExactly(new TaskKeys.Answer("a", false));
        store.add(List.of(aTask("d").key("deploy").build()));
        assertThat(store.snapshot().tasks()).extracting(Task::id).containsExactly("a", "c");
        assertThat(store.find("a").orElseThrow().task().key()).isEqualTo("deploy");

        Lease running = claimOne("a");
        assertThat(store.addDeduplicated(List.of(aTask("e").key("deploy").build())))
                .containsExactly(new TaskKeys.Answer("a", false));
        finish(running, OK);
        assertThat(store.addDeduplicated(List.of(aTask("f").key("deploy").build())))
                .as("a completed task no longer holds its key").containsExactly(new TaskKeys.Answer("f", true));
        store.cancel("f");
        assertThat(store.addDeduplicated(List.of(aTask("g").key("deploy").build(), aTask("h").key("deploy").build())))
                .as("one batch naming a key twice adds the first")
                .containsExactly(new TaskKeys.Answer("g", true), new TaskKeys.Answer("g", false));
    }

    // --- prune ---

    @Test
    void pruneRemovesFinishedTasksThatNothingUnfinishedDependsOnAndKeepsWhatTheySpent() {
        add(aTask("base"), aTask("done"), aTask("dropped"), aTask("chain").dependsOn(List.of("done")),
                aTask("child").dependsOn(List.of("base")));
        finish(claimOne("base"), OK);
        finish(claimOne("done"), OK);
        store.cancel("dropped");
        finish(claimOne("chain"), OK);
        long spentBefore = store.spend(Optional.empty()).ledger().spentMicros();
        clock.advance(Duration.ofHours(2));
        add(aTask("fresh"));
        List<Lease> running = claim(2);
        assertThat(running).extracting(Lease::taskId).containsExactly("child", "fresh");
        finish(running.get(1), OK);   // child stays running: unfinished, it keeps base

        assertThat(store.prune(java.util.Set.of(TaskStatus.COMPLETED), clock.instant().minus(Duration.ofHours(1))))
                .as("base stays for its running dependent; fresh ended too recently; dropped is cancelled")
                .containsExactly("done", "chain");
        assertThat(store.snapshot().tasks()).extracting(Task::id).containsExactly("base", "dropped", "child", "fresh");
        assertThat(store.find("done")).isEmpty();
        assertThat(store.spend(Optional.empty()).ledger().spentMicros()).as("what the pruned tasks spent stays")
                .isEqualTo(spentBefore + Money.micros(OK.budgetUsed()));
        assertThat(secondInstance().snapshot().tasks()).extracting(Task::id)
                .as("another instance reads the prune").containsExactly("base", "dropped", "child", "fresh");

        assertThat(store.prune(java.util.Set.of(TaskStatus.CANCELLED, TaskStatus.COMPLETED), null))
                .containsExactly("dropped", "fresh");
        assertThatThrownBy(() -> store.prune(java.util.Set.of(TaskStatus.PENDING), null))
                .isInstanceOf(InvalidTaskException.class).hasMessageContaining("pending");
        assertThat(store.summary().totalTasks()).isEqualTo(2);
    }
}
