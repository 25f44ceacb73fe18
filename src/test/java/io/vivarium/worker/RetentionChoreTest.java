package io.vivarium.worker;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.WorkerIdentity;
import io.vivarium.store.Finish;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.MutableClock;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Task;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VIVARIUM_RETENTION's chore on a real workspace: completed tasks older than the retention go, nothing else. */
class RetentionChoreTest {

    @TempDir
    Path workspace;

    @Test
    void completedTasksOlderThanTheRetentionArePrunedAndOnlyThose() {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T08:00:00Z"));
        FileTaskStore store = new FileTaskStore(workspace, clock);
        store.add(List.of(aTask("old").build(), aTask("broken").maxAttempts(1).build()));
        WorkerIdentity worker = WorkerIdentity.create();
        var leases = store.commit(worker, List.of(), 2).claimed();
        store.commit(worker, List.of(Finish.done(leases.get(0), GrindResult.success(0.05, "ok", 0, null)),
                Finish.done(leases.get(1), GrindResult.failure(0.05, "exit code 1", 1, null))), 0);
        clock.advance(Duration.ofDays(2));
        store.add(List.of(aTask("recent").build()));
        store.commit(worker, List.of(Finish.done(store.commit(worker, List.of(), 1).claimed().get(0),
                GrindResult.success(0.05, "ok", 0, null))), 0);
        List<List<String>> reported = new ArrayList<>();

        List<String> gone = new RetentionChore(store, Duration.ofDays(1), clock, reported::add).runOnce();

        assertThat(gone).containsExactly("old");
        assertThat(reported).containsExactly(List.of("old"));
        assertThat(store.snapshot().tasks()).extracting(Task::id).containsExactly("broken", "recent");
        assertThat(new RetentionChore(store, Duration.ofDays(1), clock, reported::add).runOnce()).isEmpty();
    }
}
