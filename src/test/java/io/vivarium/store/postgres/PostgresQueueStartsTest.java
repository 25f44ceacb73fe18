package io.vivarium.store.postgres;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.CommitResult;
import io.vivarium.store.RecordedStarts;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStoreContract;
import io.vivarium.store.TaskStores;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.support.PostgresDatabase;
import io.vivarium.task.QueueLimits;
import io.vivarium.task.Rate;
import io.vivarium.task.TaskStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rate counts every start made while it is set, in every store instance, including the ones a task's run entry no
 * longer shows: a retry's start overwrites the one before it, and a pruned task takes its entry with it. PostgreSQL
 * keeps the starts in rows of their own ({@code vivarium_queue_start}), so an instance opened later counts them too.
 */
class PostgresQueueStartsTest extends TaskStoreContract {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase();

    @TempDir
    Path workspace;

    @Override
    protected TaskStore createStore(Clock clock, StoreSettings settings) {
        TaskStore store = TaskStores.open(db.location(workspace), clock, settings);
        db.execute("TRUNCATE vivarium_task, vivarium_spend_day, vivarium_queue, vivarium_queue_start");
        db.execute("UPDATE vivarium_state SET spend_limit = NULL, spent = 0, reserved = 0, paused = false,"
                + " flow_active = false");
        return store;
    }

    @Override
    protected TaskStore openSecondInstance(Clock clock, StoreSettings settings) {
        return TaskStores.open(db.location(workspace), clock, settings);
    }

    @Override
    protected OtherOwner startOtherOwner(Clock clock, StoreSettings settings) {
        TaskStore instance = openSecondInstance(clock, settings);
        return OtherOwner.inThisJvm(instance, instance::close);
    }

    @Test
    void aRetrysEarlierStartStillCountsThoughTheEntryShowsOnlyTheLatest() {
        add(aTask("flaky").queue("api").maxAttempts(3), aTask("after").queue("api"));
        store.changeFlow(f -> f.withQueue("api", QueueLimits.NONE.withRate(Rate.parse("2/10s"))));
        finish(claimOne("flaky"), BROKEN);
        clock.advance(BACKOFF.base());
        finish(claimOne("flaky"), OK);
        assertThat(statusOf("flaky")).isEqualTo(TaskStatus.COMPLETED);
        assertThat(RecordedStarts.of(runOf("flaky"))).as("the entry shows one start").hasSize(1);

        CommitResult held = secondInstance().commit(WorkerIdentity.create(), List.of(), 2);
        assertThat(held.claimed()).as("two starts within 10 s, counted by an instance opened after both").isEmpty();
        assertThat(held.nextBackoffEnd()).contains(START.plusSeconds(10));
        clock.advance(Duration.ofSeconds(9));
        assertThat(ids(claim(2))).containsExactly("after");
    }

    @Test
    void aPrunedTasksStartStillCounts() {
        add(aTask("gone").queue("api"));
        store.changeFlow(f -> f.withQueue("api", QueueLimits.NONE.withRate(Rate.parse("1/10s"))));
        finish(claimOne("gone"), OK);
        assertThat(store.prune(Set.of(TaskStatus.COMPLETED), null)).containsExactly("gone");
        add(aTask("next").queue("api"));

        assertThat(secondInstance().commit(WorkerIdentity.create(), List.of(), 1).claimed()).isEmpty();
        clock.advance(Duration.ofSeconds(10));
        assertThat(ids(claim(1))).containsExactly("next");
    }
}
