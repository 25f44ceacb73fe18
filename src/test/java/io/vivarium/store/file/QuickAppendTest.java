package io.vivarium.store.file;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vivarium.store.DuplicateTaskException;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.store.WorkspaceJson;
import io.vivarium.task.InvalidTaskException;
import io.vivarium.task.Task;
import io.vivarium.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An add by a process that has not read the queue rewrites the files around their bytes, to the same result. */
class QuickAppendTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-15T10:30:00Z"), ZoneOffset.UTC);

    @TempDir
    Path workspace;

    private FileTaskStore store() {
        return new FileTaskStore(workspace, CLOCK);
    }

    /** A workspace whose files hold everything: written, run and checkpointed by ordinary stores. */
    private void exactWorkspace() {
        FileTaskStore first = store();
        first.add(List.of(aTask("a").build(), aTask("b").build()));
        WorkerIdentity worker = WorkerIdentity.create();
        var lease = first.commit(worker, List.of(), 1).claimed().get(0);
        first.commit(worker, List.of(io.vivarium.store.Finish.done(lease,
                io.vivarium.task.GrindResult.success(0.05, "done", 0, ""))), 0);
        first.close();
    }

    @Test
    void theFilesComeOutAsACheckpointWouldWriteThemAndEveryReaderSeesTheTask() throws Exception {
        exactWorkspace();

        store().add(List.of(aTask("c").dependsOn(List.of("a")).build(), aTask("d").build()));

        QueueDocument queue = WorkspaceJson.mapper().readValue(workspace.resolve("queue.json").toFile(),
                QueueDocument.class);
        assertThat(queue.tasks()).extracting(Task::id).containsExactly("a", "b", "c", "d");
        assertThat(Files.readAllBytes(workspace.resolve("queue.json"))).isEqualTo(canonical(queue));
        ExecutionLog log = WorkspaceJson.mapper().readValue(workspace.resolve("execution_log.json").toFile(),
                ExecutionLog.class);
        // The log's top-level fields may come in another order than a re-encoding of them; the text is the same JSON.
        assertThat(io.vivarium.support.WorkspaceFiles.log(workspace))
                .isEqualTo(io.vivarium.support.WorkspaceFiles.JSON_TREE.readTree(canonical(log)));
        assertThat(log.swarmSummary().totalTasks()).isEqualTo(4);
        assertThat(log.swarmSummary().pending()).isEqualTo(3);
        assertThat(log.swarmSummary().completed()).isEqualTo(1);
        assertThat(queue.revision()).isEqualTo(log.revision());
        FileTaskStore reader = store();
        assertThat(reader.summary()).isEqualTo(log.swarmSummary());
        assertThat(reader.snapshot().statusOf("c")).isEqualTo(TaskStatus.PENDING);
        assertThat(reader.snapshot().task("c").orElseThrow().dependsOn()).containsExactly("a");
    }

    @Test
    void anEmptyQueueTakesItsFirstTasks() throws Exception {
        FileTaskStore first = store();
        first.add(List.of(aTask("a").build()));
        first.clear();

        store().add(List.of(aTask("x").build()));

        QueueDocument queue = WorkspaceJson.mapper().readValue(workspace.resolve("queue.json").toFile(),
                QueueDocument.class);
        assertThat(queue.tasks()).extracting(Task::id).containsExactly("x");
        assertThat(Files.readAllBytes(workspace.resolve("queue.json"))).isEqualTo(canonical(queue));
    }

    @Test
    void aDuplicateOrAnUnknownDependencyChangesNothing() throws Exception {
        exactWorkspace();
        byte[] queue = Files.readAllBytes(workspace.resolve("queue.json"));
        byte[] journal = Files.readAllBytes(workspace.resolve("task_locks/.journal"));

        assertThatThrownBy(() -> store().add(List.of(aTask("a").build()))).isInstanceOf(DuplicateTaskException.class);
        assertThatThrownBy(() -> store().add(List.of(aTask("n").dependsOn(List.of("nowhere")).build())))
                .isInstanceOf(InvalidTaskException.class).hasMessageContaining("nowhere");
        assertThatThrownBy(() -> store().add(List.of(aTask("p").dependsOn(List.of("q")).build(),
                aTask("q").dependsOn(List.of("p")).build()))).hasMessageContaining("cycle");

        assertThat(Files.readAllBytes(workspace.resolve("queue.json"))).isEqualTo(queue);
        assertThat(Files.readAllBytes(workspace.resolve("task_locks/.journal"))).isEqualTo(journal);
    }

    private static byte[] canonical(Object document) {
        byte[] json = WorkspaceJson.mapper().writeValueAsBytes(document);
        byte[] withNewline = Arrays.copyOf(json, json.length + 1);
        withNewline[json.length] = '\n';
        return withNewline;
    }
}
