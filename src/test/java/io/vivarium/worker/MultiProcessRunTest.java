package io.vivarium.worker;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.Snapshot;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliProcess;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three JVMs (two {@code start 3} and a {@code worker run}) over one workspace of 300 command tasks. Every command
 * appends its task id to a file when it runs, so a second run of any task would show.
 */
class MultiProcessRunTest {

    private static final int TASKS = 300;

    @TempDir
    Path workspace;

    @TempDir
    Path scratch;

    @Test
    void everyTaskEndsOnceInOneFinalStateAndNoneRunsTwice() throws Exception {
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            String id = "task_" + i;
            String work = switch (i % 3) {
                case 0 -> "true";
                case 1 -> "false";
                default -> "sleep 0.1";
            };
            tasks.add(aTask(id).command("echo " + id + " >> runs.log && " + work).maxAttempts(1).build());
        }
        FileTaskStore store = new FileTaskStore(workspace, Clock.systemUTC());
        store.add(tasks);

        String ws = workspace.toString();
        List<CliProcess> processes = List.of(
                CliProcess.start(scratch.resolve("a.out"), "start", "3", "-w", ws),
                CliProcess.start(scratch.resolve("b.out"), "start", "3", "-w", ws),
                CliProcess.start(scratch.resolve("c.out"), "worker", "run", "-w", ws));
        for (CliProcess p : processes) {
            int code = p.waitFor(180);
            assertThat(code).as(p.output()).isIn(0, 1);
            assertThat(p.output()).doesNotContain("internal error", "Exception");
        }

        List<String> runs = Files.readAllLines(workspace.resolve("runs.log"));
        Map<String, Long> runsPerTask = runs.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(runsPerTask).hasSize(TASKS);
        assertThat(runsPerTask.values()).containsOnly(1L);

        Snapshot snapshot = store.snapshot();
        for (int i = 0; i < TASKS; i++) {
            TaskRun run = snapshot.runOf("task_" + i);
            assertThat(run.status()).as("task_" + i).isEqualTo(i % 3 == 1 ? TaskStatus.FAILED : TaskStatus.COMPLETED);
            assertThat(run.attempts()).isEqualTo(1);
        }
        assertThat(snapshot.summary().completed()).isEqualTo(200);
        assertThat(snapshot.summary().failed()).isEqualTo(100);
        Set<String> workers = new HashSet<>();
        snapshot.runs().values().forEach(r -> workers.add(r.workerId()));
        assertThat(workers).as("work was shared between processes").hasSizeGreaterThanOrEqualTo(2);
        try (var locks = Files.list(workspace.resolve("task_locks"))) {
            assertThat(locks.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(".journal", ".workspace.lock");
        }
    }
}
