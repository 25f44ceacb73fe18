package io.vivarium.store;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.task.FlowSettings;
import io.vivarium.task.QueueLimits;
import io.vivarium.task.QueueName;
import io.vivarium.task.Rate;
import io.vivarium.task.StartRule;
import io.vivarium.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The store contract, part: queues and flow control (issue 21): a queue's concurrency and rate, pausing a queue and
 * the whole workspace, all kept in the store for every instance that shares it. Run on every store by its contract
 * test; the fixtures are {@link TaskStoreContract}'s.
 */
public abstract class QueuesContract extends TaskStoreContract {

    @Test
    void aTaskRunsInItsOwnQueueOrOneChosenByItsKind() {
        add(aTask("plain"), aTask("asks").prompt("say hi"), aTask("named").queue("deploys"));
        assertThat(store.find("plain").orElseThrow().task().queueName()).isEqualTo(QueueName.DEFAULT);
        assertThat(store.find("asks").orElseThrow().task().queueName()).isEqualTo(QueueName.LLM);
        assertThat(secondInstance().find("named").orElseThrow().task().queue()).isEqualTo("deploys");
        assertThat(store.find("plain").orElseThrow().task().queue()).as("a default is not written").isNull();
    }

    @Test
    void aQueryTakesOneQueuesTasksInQueueOrder() {
        add(aTask("a").queue("tests"), aTask("b"), aTask("c").prompt("hi"), aTask("d").queue("tests"));
        TaskPage tests = store.query(TaskQuery.all().inQueue("tests"));
        assertThat(tests.items()).extracting(TaskEntry::id).containsExactly("a", "d");
        assertThat(tests.total()).isEqualTo(2);
        assertThat(store.query(TaskQuery.all().inQueue("llm")).items()).extracting(TaskEntry::id)
                .containsExactly("c");
        assertThat(store.query(new TaskQuery(TaskStatus.PENDING, "d", 0, 10, "tests")).items())
                .extracting(TaskEntry::id).containsExactly("d");
        assertThat(store.query(TaskQuery.all().inQueue("none-such")).total()).isZero();
    }

    @Test
    void theSettingsAreKeptInTheStoreForEveryInstance() {
        FlowSettings written = store.changeFlow(f -> f.withQueue("llm",
                QueueLimits.NONE.withConcurrency(2).withRate(Rate.parse("60/min"))));
        assertThat(written.of("llm").concurrency()).isEqualTo(2);
        TaskStore other = secondInstance();
        assertThat(other.flow().settings()).isEqualTo(written);
        other.changeFlow(f -> f.withPaused(true));
        assertThat(store.flow().settings().paused()).isTrue();
        assertThat(store.flow().settings().of("llm").rate()).isEqualTo(Rate.parse("60/min"));

        assertThat(secondInstance().flowSettings()).as("read alone, as status does").isEqualTo(store.flowSettings())
                .isEqualTo(store.flow().settings());

        store.changeFlow(f -> f.withPaused(false).withQueue("llm", QueueLimits.NONE));
        assertThat(other.flow().settings()).as("a queue with no limits left is forgotten").isEqualTo(FlowSettings.NONE);
        assertThat(secondInstance().flowSettings()).isEqualTo(FlowSettings.NONE);
    }

    @Test
    void aQueuesConcurrencyHoldsAcrossInstancesAndLeavesOtherQueuesAlone() {
        add(aTask("t1").queue("tests"), aTask("t2").queue("tests"), aTask("t3").queue("tests"), aTask("other"));
        store.changeFlow(f -> f.withQueue("tests", QueueLimits.NONE.withConcurrency(1)));

        List<Lease> first = claim(4);
        assertThat(ids(first)).as("one of its queue, and the task of another queue behind it")
                .containsExactly("t1", "other");
        WorkerIdentity elsewhere = WorkerIdentity.create();
        TaskStore other = secondInstance();
        assertThat(other.commit(elsewhere, List.of(), 4).claimed()).as("another instance obeys the limit").isEmpty();
        assertThat(store.flow().check("tests", clock.instant()).reason()).isEqualTo(StartRule.Reason.QUEUE_LIMIT);

        finish(first.get(0), OK);
        List<Lease> next = other.commit(elsewhere, List.of(), 4).claimed();
        assertThat(ids(next)).as("a finish frees its place").containsExactly("t2");
        assertThat(store.queues()).filteredOn(q -> q.name().equals("tests")).singleElement()
                .satisfies(q -> {
                    assertThat(q.tasks().inProgress()).isEqualTo(1);
                    assertThat(q.tasks().completed()).isEqualTo(1);
                    assertThat(q.tasks().pending()).isEqualTo(1);
                    assertThat(q.limits().concurrency()).isEqualTo(1);
                });
    }

    @Test
    void aQueuesRateCountsStartsWithinItsPeriodAndSaysWhenTheNextMayStart() {
        for (int i = 1; i <= 5; i++) {
            add(aTask("r" + i).queue("api"));
        }
        store.changeFlow(f -> f.withQueue("api", QueueLimits.NONE.withRate(Rate.parse("2/10s"))));
        List<Lease> first = claim(5);
        assertThat(ids(first)).containsExactly("r1", "r2");
        CommitResult held = finish(first.get(0), OK);
        assertThat(held.claimed()).isEmpty();

        clock.advance(Duration.ofSeconds(4));
        CommitResult waiting = store.commit(worker, List.of(), 5);
        assertThat(waiting.claimed()).as("finishing does not give a start back").isEmpty();
        assertThat(waiting.nextBackoffEnd()).as("the pool wakes when the window frees")
                .contains(START.plusSeconds(10));
        assertThat(waiting.retriesWaiting()).as("a batch waits for it").isTrue();
        assertThat(store.flow().check("api", clock.instant()).until()).isEqualTo(START.plusSeconds(10));

        clock.advance(Duration.ofSeconds(6));
        assertThat(ids(secondInstance().commit(WorkerIdentity.create(), List.of(), 5).claimed()))
                .as("another instance counts the starts this one made").containsExactly("r3", "r4");
        clock.advance(Duration.ofSeconds(9));
        assertThat(claim(5)).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(ids(claim(5))).containsExactly("r5");
    }

    @Test
    void aPausedWorkspaceStartsNothingButRecordsWhatFinishesAndResumeStartsAgain() {
        add(aTask("a"), aTask("b"), aTask("c"));
        Lease running = claimOne("a");
        secondInstance().changeFlow(f -> f.withPaused(true));

        CommitResult paused = finish(running, OK);
        assertThat(statusOf("a")).as("a running grind finishes").isEqualTo(TaskStatus.COMPLETED);
        assertThat(store.commit(worker, List.of(), 3).claimed()).isEmpty();
        assertThat(paused.runnableLeft()).isFalse();
        assertThat(store.flow().check(QueueName.DEFAULT, clock.instant()).reason())
                .isEqualTo(StartRule.Reason.PAUSED);

        long before = store.version();
        store.changeFlow(f -> f.withPaused(false));
        assertThat(secondInstance().version()).as("a resume is news to every waiting pool").isNotEqualTo(before);
        assertThat(ids(claim(3))).containsExactly("b", "c");
    }

    @Test
    void aPausedQueueHoldsOnlyItsOwnTasks() {
        add(aTask("slow").queue("nightly"), aTask("quick"));
        store.changeFlow(f -> f.withQueue("nightly", QueueLimits.NONE.withPaused(true)));
        assertThat(ids(claim(2))).containsExactly("quick");
        assertThat(store.queues()).filteredOn(QueueStatus::paused).extracting(QueueStatus::name)
                .containsExactly("nightly");
        store.changeFlow(f -> f.withQueue("nightly", f.of("nightly").withPaused(false)));
        assertThat(ids(claim(2))).containsExactly("slow");
    }

    @Test
    void limitsAndTheSpendCeilingAreAskedTogether() {
        store.limitSpend(Optional.of(io.vivarium.spend.SpendLimit.ofDollars(1.0)));
        add(aTask("big").queue("q").maxBudget(0.9), aTask("small1").queue("q").maxBudget(0.1),
                aTask("small2").maxBudget(0.1));
        store.changeFlow(f -> f.withQueue("q", QueueLimits.NONE.withConcurrency(1)));
        assertThat(ids(claim(3))).as("big takes q's place; small2 fits the room left")
                .containsExactly("big", "small2");
        Instant now = clock.instant();
        assertThat(store.flow().check("q", now).reason()).isEqualTo(StartRule.Reason.QUEUE_LIMIT);
    }
}
