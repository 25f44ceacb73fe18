package io.vivarium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.store.file.WorkspaceJson;
import io.vivarium.support.CliRun;
import io.vivarium.support.PostgresDatabase;
import io.vivarium.task.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code export --to URL}: a workspace's whole history moves up to PostgreSQL; the files stay as they were. */
class ExportCommandTest {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase();

    @TempDir
    Path workspace;

    private static final String QUEUE = """
            {"version": "1.0", "tasks": [
              {"id": "done", "type": "grind", "ticket": "OPS-1", "created_at": "2026-01-15T10:00:00+00:00"},
              {"id": "broken", "type": "grind", "max_attempts": 1},
              {"id": "after", "type": "grind", "depends_on": ["broken"]},
              {"id": "later", "type": "grind", "priority": "high", "description": "Still to do"},
              {"id": "old", "type": "grind"}],
             "completed": ["old"]}
            """;
    private static final String LOG = """
            {"version": "1.0", "tasks": {
              "broken": {"worker_id": "worker_1", "status": "failed", "attempts": 1, "error": "exit code 1",
                         "started_at": "2026-01-15T10:01:00+00:00", "completed_at": "2026-01-15T10:01:02+00:00"},
              "done": {"worker_id": "worker_1", "status": "completed", "attempts": 1, "budget_used": 0.07,
                       "result": "ok", "output": "line 1\\nline 2", "cost_center": 7,
                       "started_at": "2026-01-15T10:00:01+00:00", "completed_at": "2026-01-15T10:00:03+00:00"},
              "after": {"status": "blocked", "attempts": 0, "error": "dependency 'broken' is failed",
                        "completed_at": "2026-01-15T10:01:02+00:00"}}}
            """;

    private TaskStore open(StoreLocation location) {
        return TaskStores.open(location, Clock.systemUTC(), StoreSettings.defaults());
    }

    @Test
    void everyTaskAndRunEntryMovesAsTheFilesHoldThemAndTheFilesStay() throws Exception {
        Files.writeString(workspace.resolve("queue.json"), QUEUE);
        Files.writeString(workspace.resolve("execution_log.json"), LOG);
        String url = db.createAnother();

        CliRun run = CliRun.in(workspace, "export", "--to", url);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Exported 5 tasks (2 completed, 1 pending, 1 failed, 1 blocked, 0 cancelled)")
                .doesNotContain(db.url().substring(db.url().indexOf("password=")));
        assertThat(Files.readString(workspace.resolve("queue.json"))).isEqualTo(QUEUE);
        assertThat(Files.readString(workspace.resolve("execution_log.json"))).isEqualTo(LOG);
        try (TaskStore files = open(StoreLocation.files(workspace));
             TaskStore database = open(StoreLocation.of(workspace, url))) {
            assertThat(json(database.snapshot().tasks())).isEqualTo(json(files.snapshot().tasks()));
            assertThat(json(database.snapshot().runs())).isEqualTo(json(files.snapshot().runs()));
            assertThat(database.summary()).isEqualTo(files.summary());
            assertThat(database.find("old").orElseThrow().status()).isEqualTo(TaskStatus.COMPLETED);
        }
        CliRun status = CliRun.in(workspace, "status", "--json", "--store", url);
        assertThat(status.out()).isEqualTo(CliRun.in(workspace, "status", "--json").out());
    }

    @Test
    void aDatabaseThatAlreadyHoldsAQueueIsLeftAlone() throws Exception {
        Files.writeString(workspace.resolve("queue.json"), QUEUE);
        String url = db.createAnother();
        assertThat(CliRun.in(workspace, "export", "--to", url).exitCode()).isZero();

        CliRun again = CliRun.in(workspace, "export", "--to", url);

        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.errLines()).singleElement().asString()
                .contains("already holds 5 tasks").doesNotContain("s3cret");
        try (TaskStore database = open(StoreLocation.of(workspace, url))) {
            assertThat(database.summary().totalTasks()).isEqualTo(5);
        }
    }

    @Test
    void aQueueWithATaskInProgressIsNotMoved() throws Exception {
        Files.writeString(workspace.resolve("queue.json"), QUEUE);
        Files.writeString(workspace.resolve("execution_log.json"),
                "{\"tasks\": {\"later\": {\"worker_id\": \"w\", \"status\": \"in_progress\", \"attempts\": 1}}}");
        String url = db.createAnother();

        CliRun run = CliRun.in(workspace, "export", "--to", url);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains("'later' is in progress");
        try (TaskStore database = open(StoreLocation.of(workspace, url))) {
            assertThat(database.summary().totalTasks()).isZero();
        }
    }

    private static String json(Object value) {
        return new String(WorkspaceJson.compact(value), StandardCharsets.UTF_8);
    }
}
