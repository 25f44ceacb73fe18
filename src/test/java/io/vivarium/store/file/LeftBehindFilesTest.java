package io.vivarium.store.file;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.WorkspaceFiles;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A writer killed between its journal line and its checkpoint leaves the files behind; the next reader catches up. */
class LeftBehindFilesTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-15T10:30:00Z"), ZoneOffset.UTC);

    @TempDir
    Path workspace;

    @Test
    void aProcessThatReadsTheWholeStateBringsTheFilesUpToDateWhenItCloses() {
        FileTaskStore first = new FileTaskStore(workspace, CLOCK);
        first.add(List.of(aTask("a").build(), aTask("b").build()));
        first.close();
        // What a `cancel` killed after its commit leaves: the journal line, and files that do not hold it yet.
        Journal journal = new Journal(WorkspacePaths.of(workspace).journal());
        journal.read();
        TaskRun cancelled = TaskRun.pending().cancel("a", CLOCK.instant(), 0.1);
        journal.append(new JournalRecord(journal.lastSeq() + 1, CLOCK.instant(), false, List.of(),
                Map.of("a", cancelled), null, null, Map.of()), null);
        journal.close();
        assertThat(WorkspaceFiles.log(workspace).path("tasks").has("a")).isFalse();

        FileTaskStore reader = new FileTaskStore(workspace, CLOCK);
        assertThat(reader.snapshot().statusOf("a")).isEqualTo(TaskStatus.CANCELLED);
        reader.close();

        assertThat(WorkspaceFiles.log(workspace).get("tasks").get("a").get("status").asString()).isEqualTo("cancelled");
        assertThat(WorkspaceFiles.log(workspace).get("swarm_summary").get("cancelled").asInt()).isEqualTo(1);
    }
}
