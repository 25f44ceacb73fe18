package io.vivarium.store.postgres;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vivarium.store.Snapshot;
import io.vivarium.store.StoreException;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.support.PostgresDatabase;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A queue moved in keeps all its history, or does not move. */
class PostgresLoadTest {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase();

    @TempDir
    Path workspace;

    @Test
    void aRunEntryWhoseTaskLeftTheQueueStopsTheMoveRatherThanBeLost() {
        Snapshot withOrphan = new Snapshot(List.of(aTask("a").build()),
                Map.of("gone", TaskRun.legacy(TaskStatus.COMPLETED)));
        try (TaskStore store = TaskStores.open(db.location(workspace), Clock.systemUTC(), StoreSettings.defaults())) {

            assertThatThrownBy(() -> store.load(withOrphan))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("'gone' belongs to no task");

            assertThat(store.summary().totalTasks()).isZero();
        }
    }
}
