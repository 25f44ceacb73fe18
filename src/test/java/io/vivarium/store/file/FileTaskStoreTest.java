package io.vivarium.store.file;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vivarium.store.CorruptFileException;
import io.vivarium.store.Snapshot;
import io.vivarium.store.StoreException;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.task.TaskStatus;
import io.vivarium.support.WorkspaceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class FileTaskStoreTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-15T10:30:00Z"), ZoneOffset.UTC);

    @TempDir
    Path workspace;

    private FileTaskStore store() {
        return new FileTaskStore(workspace, CLOCK);
    }

    @Test
    void readingAnEmptyWorkspaceWritesNothing() {
        assertThat(store().snapshot().tasks()).isEmpty();

        assertThat(workspace.resolve("queue.json")).doesNotExist();
        assertThat(workspace.resolve("execution_log.json")).doesNotExist();
    }

    @Test
    void createdAtIsWrittenInTheOriginalTimestampFormat() {
        store().add(List.of(aTask("a").build()));

        assertThat(WorkspaceFiles.queue(workspace).get("tasks").get(0).get("created_at").asString())
                .isEqualTo("2026-01-15T10:30:00.000000+00:00");
    }

    @Test
    void unknownFieldsSurviveARewrite() throws Exception {
        Files.writeString(workspace.resolve("queue.json"), """
                {"version": "1.0", "owner": {"team": "infra"},
                 "tasks": [{"id": "a", "type": "grind", "ticket": "OPS-42", "labels": ["x"]}]}
                """);
        Files.writeString(workspace.resolve("execution_log.json"), """
                {"version": "1.0", "host_notes": "kept",
                 "tasks": {"a": {"status": "completed", "worker_id": "worker_1", "budget_used": 0.07, "cost_center": 7}}}
                """);

        store().add(List.of(aTask("b").build()));

        JsonNode queue = WorkspaceFiles.queue(workspace);
        assertThat(queue.get("owner").get("team").asString()).isEqualTo("infra");
        assertThat(queue.get("tasks").get(0).get("ticket").asString()).isEqualTo("OPS-42");
        assertThat(queue.get("tasks").get(0).get("labels").get(0).asString()).isEqualTo("x");
        JsonNode log = WorkspaceFiles.log(workspace);
        assertThat(log.get("host_notes").asString()).isEqualTo("kept");
        assertThat(log.get("tasks").get("a").get("cost_center").asInt()).isEqualTo(7);
        assertThat(log.get("swarm_summary").get("completed").asInt()).isEqualTo(1);
        assertThat(log.get("swarm_summary").get("pending").asInt()).isEqualTo(1);
        assertThat(log.get("swarm_summary").get("budget_used").asDouble()).isEqualTo(0.07);
    }

    @Test
    void theOriginalFormatsCompletedAndFailedListsStillLoad() throws Exception {
        Files.writeString(workspace.resolve("queue.json"), """
                {"tasks": [{"id": "task_001", "type": "grind", "min_budget": 0.05, "max_budget": 0.1,
                            "intensity": "medium"},
                           {"id": "task_002", "type": "grind"}, {"id": "task_003", "type": "grind"}],
                 "completed": ["task_001"], "failed": [{"id": "task_002", "error": "boom"}]}
                """);

        Snapshot snapshot = store().snapshot();

        assertThat(snapshot.statusOf("task_001")).isEqualTo(TaskStatus.COMPLETED);
        assertThat(snapshot.statusOf("task_002")).isEqualTo(TaskStatus.FAILED);
        assertThat(snapshot.statusOf("task_003")).isEqualTo(TaskStatus.PENDING);
        assertThat(snapshot.summary().completed()).isEqualTo(1);

        store().add(List.of(aTask("task_004").build()));
        JsonNode queue = WorkspaceFiles.queue(workspace);
        assertThat(queue.get("completed").get(0).asString()).isEqualTo("task_001");
        assertThat(queue.get("failed").get(0).get("error").asString()).isEqualTo("boom");
        assertThat(WorkspaceFiles.log(workspace).get("swarm_summary").get("failed").asInt()).isEqualTo(1);
    }

    @Test
    void theGuidesSampleLogLoadsAndItsSummaryIsRecomputed() throws Exception {
        Files.writeString(workspace.resolve("queue.json"), """
                {"tasks": [{"id": "task_001", "type": "grind"}, {"id": "task_002", "type": "grind"},
                           {"id": "task_003", "type": "grind"}, {"id": "task_004", "type": "grind"}]}
                """);
        Files.writeString(workspace.resolve("execution_log.json"), """
                {
                  "version": "1.0",
                  "tasks": {
                    "task_001": {
                      "worker_id": "worker_a1b2c3d4",
                      "status": "completed",
                      "started_at": "2024-01-15T10:30:00+00:00",
                      "completed_at": "2024-01-15T10:30:05+00:00"
                    }
                  },
                  "swarm_summary": {
                    "total_tasks": 4,
                    "completed": 3,
                    "in_progress": 1,
                    "pending": 0,
                    "failed": 0
                  }
                }
                """);

        Snapshot snapshot = store().snapshot();
        store().add(List.of(aTask("task_005").build()));

        assertThat(snapshot.statusOf("task_001")).isEqualTo(TaskStatus.COMPLETED);
        assertThat(snapshot.runOf("task_001").workerId()).isEqualTo("worker_a1b2c3d4");
        JsonNode summary = WorkspaceFiles.log(workspace).get("swarm_summary");
        assertThat(summary.get("total_tasks").asInt()).isEqualTo(5);
        assertThat(summary.get("completed").asInt()).isEqualTo(1);
        assertThat(summary.get("pending").asInt()).isEqualTo(4);
        assertThat(summary.get("in_progress").asInt()).isZero();
    }

    @Test
    void pythonTimestampsWithoutMicrosecondsOrZoneAreRead() throws Exception {
        Files.writeString(workspace.resolve("queue.json"), """
                {"tasks": [{"id": "a", "created_at": "2024-01-15T10:30:00+00:00"},
                           {"id": "b", "created_at": "2024-01-15T10:30:05.123"}]}
                """);

        Snapshot snapshot = store().snapshot();

        assertThat(snapshot.tasks().get(0).createdAt()).isEqualTo(Instant.parse("2024-01-15T10:30:00Z"));
        assertThat(snapshot.tasks().get(1).createdAt()).isEqualTo(Instant.parse("2024-01-15T10:30:05.123Z"));
    }

    @Test
    void corruptionIsDetectedEvenAfterACachedRead() throws Exception {
        store().add(List.of(aTask("a").build()));
        FileTaskStore store = store();
        assertThat(store.snapshot().tasks()).hasSize(1);

        Files.writeString(workspace.resolve("queue.json"), "{\"tasks\": [}");

        assertThatThrownBy(store::snapshot)
                .isInstanceOf(CorruptFileException.class)
                .hasMessageContaining(workspace.resolve("queue.json").toString());
    }

    @Test
    void aChangeThatKeepsInodeSizeAndMtimeIsStillSeenThroughTheRevision() throws Exception {
        store().add(List.of(aTask("a").build()));
        FileTaskStore reader = store();
        assertThat(reader.snapshot().tasks()).extracting(t -> t.id()).containsExactly("a");
        Path queue = workspace.resolve("queue.json");
        var mtime = Files.getLastModifiedTime(queue);
        String text = Files.readString(queue);
        assertThat(text).contains("\"revision\": 1");
        // Another writer's next version, as it would look after an inode reuse within one mtime tick.
        String next = text.replace("\"revision\": 1", "\"revision\": 2").replace("\"id\": \"a\"", "\"id\": \"b\"");
        try (var channel = java.nio.channels.FileChannel.open(queue, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(next.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0);
        }
        Files.setLastModifiedTime(queue, mtime);

        assertThat(reader.snapshot().tasks()).extracting(t -> t.id()).containsExactly("b");
    }

    @Test
    void aNewerFormatVersionIsRefusedNotMisread() throws Exception {
        Files.writeString(workspace.resolve("queue.json"), "{\"version\": \"2.0\", \"tasks\": []}");

        assertThatThrownBy(() -> store().add(List.of(aTask("a").build())))
                .isInstanceOf(CorruptFileException.class)
                .hasMessageContaining("unsupported format version '2.0'");
        assertThat(Files.readString(workspace.resolve("queue.json"))).contains("2.0");
    }

    @Test
    void aQueueWithTheSameIdTwiceIsCorrupt() throws Exception {
        Files.writeString(workspace.resolve("queue.json"), "{\"tasks\": [{\"id\": \"a\"}, {\"id\": \"a\"}]}");

        assertThatThrownBy(() -> store().snapshot())
                .isInstanceOf(CorruptFileException.class)
                .hasMessageContaining("task id 'a' appears twice");
    }

    @Test
    void trailingGarbageMakesAFileCorrupt() throws Exception {
        Files.writeString(workspace.resolve("queue.json"), "{\"tasks\": []} {\"tasks\": []}");

        assertThatThrownBy(() -> store().snapshot()).isInstanceOf(CorruptFileException.class);
    }

    @Test
    void anEmptyFileHoldsNoDataAndReadsAsEmpty() throws Exception {
        Files.writeString(workspace.resolve("queue.json"), "");

        assertThat(store().snapshot().tasks()).isEmpty();
    }

    @Test
    void loadCopiesTasksAndHistoryIntoAnEmptyWorkspaceOnly(@TempDir Path other) {
        store().add(List.of(aTask("a").build(), aTask("b").dependsOn(List.of("a")).build()));
        Snapshot before = store().snapshot();

        FileTaskStore target = new FileTaskStore(other, CLOCK);
        target.load(before);

        assertThat(target.snapshot()).isEqualTo(before);
        assertThatThrownBy(() -> target.load(before))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("already holds 2 tasks");
    }

    @Test
    void loadRefusesAQueueWithATaskInProgress(@TempDir Path other) {
        store().add(List.of(aTask("a").build()));
        store().commit(WorkerIdentity.create(), List.of(), 1);

        assertThatThrownBy(() -> new FileTaskStore(other, CLOCK).load(store().snapshot()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("1 task is in progress (a)");
        assertThat(other.resolve("queue.json")).doesNotExist();
    }
}
