package io.vivarium.cli;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.Snapshot;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliRun;
import io.vivarium.support.PostgresDatabase;
import io.vivarium.task.GrindResult;
import io.vivarium.task.TaskStatus;
import io.vivarium.store.Finish;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code import} and {@code export} move a queue and its history between the files and PostgreSQL, losing nothing. */
class MoveCommandsTest {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase();

    @TempDir
    Path files;

    @TempDir
    Path back;

    @Test
    void aQueueWithItsHistoryGoesIntoTheDatabaseAndBackUnchanged() throws Exception {
        String url = db.createAnother();
        FileTaskStore workspace = new FileTaskStore(files, Clock.systemUTC());
        workspace.add(List.of(aTask("done").build(), aTask("broken").maxAttempts(1).build(),
                aTask("waits").dependsOn(List.of("broken")).description("blocked by broken").build(),
                aTask("later").build()));
        WorkerIdentity worker = WorkerIdentity.create();
        var leases = workspace.commit(worker, List.of(), 2).claimed();
        workspace.commit(worker, List.of(Finish.done(leases.get(0), GrindResult.success(0.05, "ok", 0, "out")),
                Finish.done(leases.get(1), GrindResult.failure(0.02, "exit code 1", 1, "boom"))), 0);
        Snapshot before = new FileTaskStore(files, Clock.systemUTC()).snapshot(); // as the files hold it: microseconds
        assertThat(before.statusOf("waits")).isEqualTo(TaskStatus.BLOCKED);

        CliRun imported = CliRun.in(files, "import", "--store", url);
        CliRun exported = CliRun.in(back, "export", "--store", url);

        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("Copied 4 tasks");
        assertThat(exported.exitCode()).as(exported.err()).isZero();
        try (TaskStore database = TaskStores.open(StoreLocation.of(files, url), Clock.systemUTC(),
                StoreSettings.defaults())) {
            assertThat(database.snapshot()).isEqualTo(before);
            assertThat(database.summary()).isEqualTo(before.summary());
        }
        assertThat(new FileTaskStore(back, Clock.systemUTC()).snapshot()).isEqualTo(before);
    }

    @Test
    void theQueuesLimitsAndThePauseMoveWithTheQueue() throws Exception {
        String url = db.createAnother();
        CliRun.in(files, "add", "e2e", "grind", "--command", "true", "--queue", "tests");
        CliRun.in(files, "queue", "set", "tests", "--concurrency", "2", "--rate", "3/s");
        CliRun.in(files, "queue", "pause", "nightly");
        CliRun.in(files, "pause");
        io.vivarium.task.FlowSettings before = new FileTaskStore(files, Clock.systemUTC()).flow().settings();

        CliRun imported = CliRun.in(files, "import", "--store", url);
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("with the queues' limits and the pause");
        try (TaskStore database = TaskStores.open(StoreLocation.of(files, url), Clock.systemUTC(),
                StoreSettings.defaults())) {
            assertThat(database.flow().settings()).isEqualTo(before);
        }
        CliRun exported = CliRun.in(back, "export", "--store", url);
        assertThat(exported.exitCode()).as(exported.err()).isZero();
        assertThat(new FileTaskStore(back, Clock.systemUTC()).flow().settings()).isEqualTo(before);
        assertThat(CliRun.in(back, "queue").out()).startsWith("The workspace is paused")
                .containsPattern("\ntests +1 +0 +0 +0 +2 +3/s +paused \\(workspace\\)\n");
    }

    @Test
    void nothingIsOverwrittenAndNothingRunningMoves() throws Exception {
        String url = db.createAnother();
        new FileTaskStore(files, Clock.systemUTC()).add(List.of(aTask("a").build()));
        assertThat(CliRun.in(files, "import", "--store", url).exitCode()).isZero();
        byte[] queue = Files.readAllBytes(files.resolve("queue.json"));

        CliRun again = CliRun.in(files, "import", "--store", url);
        CliRun intoFull = CliRun.in(files, "export", "--store", url);
        CliRun noStore = CliRun.in(files, "export");

        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.errLines()).singleElement().asString().contains("already holds 1 tasks");
        assertThat(intoFull.exitCode()).isEqualTo(2);
        assertThat(intoFull.errLines()).singleElement().asString().contains("already holds 1 tasks");
        assertThat(noStore.exitCode()).isEqualTo(2);
        assertThat(noStore.errLines()).singleElement().asString().contains("--store postgresql://");
        assertThat(Files.readAllBytes(files.resolve("queue.json"))).isEqualTo(queue);

        try (TaskStore database = TaskStores.open(StoreLocation.of(files, url), Clock.systemUTC(),
                StoreSettings.defaults())) {
            database.commit(WorkerIdentity.create(), List.of(), 1);
            CliRun running = CliRun.in(back, "export", "--store", url);
            assertThat(running.exitCode()).isEqualTo(2);
            assertThat(running.errLines()).singleElement().asString().contains("1 task is in progress (a)");
        }
    }
}
