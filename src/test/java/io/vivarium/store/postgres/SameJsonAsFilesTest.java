package io.vivarium.store.postgres;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.Finish;
import io.vivarium.store.Lease;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskQuery;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.store.WorkspaceJson;
import io.vivarium.support.MutableClock;
import io.vivarium.support.PostgresDatabase;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Priority;
import io.vivarium.task.RetryPolicy;
import io.vivarium.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same history on the workspace files and on PostgreSQL reads back as the same JSON, byte for byte: the
 * summary ({@code status --json}, {@code GET /status}), and every task with its run state ({@code GET /tasks}),
 * fields unknown to this version included, in their order.
 */
class SameJsonAsFilesTest {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase();

    @TempDir
    Path files;

    @TempDir
    Path elsewhere;

    private static final Instant START = Instant.parse("2026-01-15T10:30:00.123456Z");
    private final StoreSettings settings = StoreSettings.withLease(Duration.ofSeconds(10),
            new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(8)));

    @Test
    void theSameHistoryReadsBackAsTheSameJson() throws Exception {
        Task withUnknownFields = WorkspaceJson.mapper().readValue("""
                {"id": "custom", "zeta": {"nested": [1, 2.5, "x"]}, "ticket": "OPS-42", "alpha": null,
                 "description": "Deploy ü", "labels": ["a", "b"]}""", Task.class);
        MutableClock fileClock = new MutableClock(START);
        MutableClock databaseClock = new MutableClock(START);
        try (TaskStore file = TaskStores.open(StoreLocation.files(files), fileClock, settings);
             TaskStore postgres = TaskStores.open(StoreLocation.of(elsewhere, db.url()), databaseClock, settings)) {
            play(file, fileClock, withUnknownFields);
            play(postgres, databaseClock, withUnknownFields);
        }
        // Read back as a CLI verb or a restarted server reads them: from what each store wrote.
        try (TaskStore file = TaskStores.open(StoreLocation.files(files), fileClock, settings);
             TaskStore postgres = TaskStores.open(StoreLocation.of(elsewhere, db.url()), databaseClock, settings)) {
            assertThat(json(postgres.summary())).isEqualTo(json(file.summary()));
            assertThat(json(postgres.query(TaskQuery.all()))).isEqualTo(json(file.query(TaskQuery.all())));
            assertThat(json(postgres.snapshot().tasks())).isEqualTo(json(file.snapshot().tasks()));
            assertThat(json(postgres.snapshot().runs())).isEqualTo(json(file.snapshot().runs()));
            assertThat(json(postgres.find("custom").orElseThrow()))
                    .contains("OPS-42", "\"zeta\":{\"nested\":[1,2.5,\"x\"]}")
                    .isEqualTo(json(file.find("custom").orElseThrow()));
        }
        assertThat(Files.readString(files.resolve("queue.json"))).contains("OPS-42");
    }

    /** Every kind of state: completed, retried after backoff, failed for good, blocked, cancelled, running. */
    private static void play(TaskStore store, MutableClock clock, Task custom) {
        clock.advance(Duration.ofMillis(1));
        store.add(List.of(custom, aTask("ok").command("true").build(), aTask("flaky").maxAttempts(2).build(),
                aTask("after").dependsOn(List.of("flaky")).priority(Priority.LOW).build(),
                aTask("doomed").maxAttempts(1).priority(Priority.HIGH).build(), aTask("running").build()));
        WorkerIdentity worker = new WorkerIdentity("worker_0000beef", 4242, "host-a");
        List<Lease> first = store.commit(worker, List.of(), 3).claimed();
        clock.advance(Duration.ofMillis(1500));
        store.commit(worker, List.of(
                Finish.done(first.get(0), GrindResult.finalFailure(0.02, "budget exhausted", null, null)),
                Finish.done(first.get(1), GrindResult.success(0.051234, "done", 0, "out\nput")),
                Finish.done(first.get(2), GrindResult.failure(0.03, "exit code 1", 1, "boom"))), 0);
        store.cancel("running");
        clock.advance(Duration.ofSeconds(2));
        List<Lease> second = store.commit(worker, List.of(), 5).claimed();
        store.commit(worker, second.stream().filter(l -> !l.taskId().equals("custom"))
                .map(l -> Finish.done(l, GrindResult.failure(0.01, "again", 2, null))).toList(), 0);
    }

    private static String json(Object value) {
        return new String(WorkspaceJson.compact(value), java.nio.charset.StandardCharsets.UTF_8);
    }
}
