package io.vivarium.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.ConcurrentAdder;
import io.vivarium.support.JavaProcess;
import io.vivarium.support.WorkspaceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Two JVMs, two threads each, all running {@code add} into one workspace at once: no update may be lost. */
class CrossProcessAddTest {

    private static final int PER_PROCESS = 200;

    @TempDir
    Path workspace;

    @TempDir
    Path scratch;

    @Test
    void concurrentAddsFromTwoJvmsAreAllKept() throws Exception {
        Path go = scratch.resolve("go");
        List<Process> processes = new ArrayList<>();
        for (String prefix : List.of("alpha", "beta")) {
            processes.add(JavaProcess.start(scratch.resolve(prefix + ".log"), ConcurrentAdder.class,
                    workspace.toString(), prefix, String.valueOf(PER_PROCESS), "2", go.toString()));
        }
        Files.writeString(go, "go");

        for (Process process : processes) {
            assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        }
        for (String prefix : List.of("alpha", "beta")) {
            assertThat(Files.readString(scratch.resolve(prefix + ".log"))).contains("failures=0");
        }
        assertThat(processes).allSatisfy(p -> assertThat(p.exitValue()).isZero());

        JsonNode tasks = WorkspaceFiles.queue(workspace).get("tasks");
        Set<String> ids = new HashSet<>();
        tasks.forEach(t -> ids.add(t.get("id").asString()));
        assertThat(tasks).hasSize(2 * PER_PROCESS);
        assertThat(ids).hasSize(2 * PER_PROCESS);
        for (int i = 0; i < PER_PROCESS; i++) {
            assertThat(ids).contains("alpha_" + i, "beta_" + i);
        }
        JsonNode summary = WorkspaceFiles.log(workspace).get("swarm_summary");
        assertThat(summary.get("total_tasks").asInt()).isEqualTo(2 * PER_PROCESS);
        assertThat(summary.get("pending").asInt()).isEqualTo(2 * PER_PROCESS);
        try (var leftovers = Files.list(workspace)) {
            assertThat(leftovers.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("queue.json", "execution_log.json", "task_locks");
        }
    }
}
