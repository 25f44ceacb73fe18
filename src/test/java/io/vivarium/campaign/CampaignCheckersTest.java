package io.vivarium.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.Finish;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.HoldLock;
import io.vivarium.support.JavaProcess;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Task;
import io.vivarium.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The campaigns' checkers catch what they claim to: planted defects are found. */
class CampaignCheckersTest {

    @TempDir
    Path dir;

    @Test
    void overlappingRunsAreFoundAndSequentialOnesAreNot() throws Exception {
        Path log = dir.resolve("runs.log");
        Files.write(log, List.of("start a 1", "end a 1", "start a 2", "start b 3", "start a 4", "end a 2",
                "end b 3", "start c 5"));

        RunHistory history = RunHistory.read(log);

        assertThat(history.violations()).singleElement().asString().contains("task a: run a/4 started");
        assertThat(history.totalRuns()).isEqualTo(5);
        assertThat(history.interruptedRuns()).isEqualTo(2);
    }

    @Test
    void tornLinesAreViolations() throws Exception {
        Path log = dir.resolve("runs.log");
        Files.write(log, List.of("start a 1", "en"));

        assertThat(RunHistory.read(log).violations()).singleElement().asString().contains("torn");
    }

    @Test
    void theAuditFindsUnfinishedTasksLeftClaimsAndCompletedTasksThatNeverRan() throws Exception {
        FileTaskStore store = new FileTaskStore(dir, Clock.systemUTC());
        store.add(List.of(Task.grind("done").command(RunHistory.command("done", 0)).build(), Task.grind("waiting").build()));
        Files.writeString(dir.resolve("execution_log.json"),
                "{\"version\":\"1.0\",\"tasks\":{\"done\":{\"status\":\"completed\"}},\"swarm_summary\":{\"total_tasks\":2,"
                        + "\"completed\":1,\"in_progress\":0,\"pending\":1,\"failed\":0}}");
        Files.writeString(dir.resolve("task_locks/waiting.lock"), "{}");

        List<String> violations = WorkspaceAudit.check(dir, Set.of(TaskStatus.COMPLETED), RunHistory.read(dir.resolve("runs.log")));

        assertThat(violations).anyMatch(v -> v.contains("task waiting ended pending"))
                .anyMatch(v -> v.contains("claims left behind: [waiting.lock]"))
                .anyMatch(v -> v.contains("task done is completed but no run of it finished"));
    }

    @Test
    void aJournalMayEndTornButNeitherHoldAMalformedLineNorSkipASeq() throws Exception {
        Path journal = Files.createDirectories(dir.resolve("task_locks")).resolve(".journal");
        String header = "{\"journal\":1,\"base\":4}\n";
        List<String> violations = new ArrayList<>();

        Files.writeString(journal, header + "{\"seq\":5}\n{\"seq\":6}\n{\"seq\":7,\"ru");
        WorkspaceAudit.Journal torn = WorkspaceAudit.journal(dir, violations);
        Files.writeString(journal, header + "{\"seq\":5}\n{\"seq\":6,\"ru\n{\"seq\":7}\n");
        WorkspaceAudit.journal(dir, violations);
        Files.writeString(journal, header + "{\"seq\":5}\n{\"seq\":7}\n");
        WorkspaceAudit.journal(dir, violations);

        assertThat(torn).isEqualTo(new WorkspaceAudit.Journal(4, 2, true));
        assertThat(violations).hasSize(3);
        assertThat(violations.get(0)).contains("journal line 3 is malformed");
        assertThat(violations.get(1)).contains("record 7 follows 5");
        assertThat(violations.get(2)).contains("record 7 follows 5");
    }

    @Test
    void aFreshReaderMissingACommittedChangeOrUndoingACompletionIsFound() throws Exception {
        FileTaskStore store = new FileTaskStore(dir, Clock.systemUTC());
        store.add(List.of(Task.grind("done").command(RunHistory.command("done", 0)).build(), Task.grind("open").build()));
        WorkerIdentity worker = WorkerIdentity.create();
        var lease = store.commit(worker, List.of(), 1).claimed().get(0);
        store.commit(worker, List.of(Finish.done(lease, GrindResult.success(0.05, "ok", 0, ""))), 0);
        Files.write(dir.resolve("runs.log"), List.of("start done 1", "end done 1"));
        CommittedChanges changes = new CommittedChanges(dir);
        changes.look("first");

        store.retry(List.of("done"));
        changes.committed("open", EnumSet.of(TaskStatus.CANCELLED), "`cancel open`");
        changes.look("second");
        Files.write(dir.resolve("runs.log"), List.of("start done 2", "end done 2"), StandardOpenOption.APPEND);

        assertThat(changes.violations()).anyMatch(v -> v.contains("second: task done was completed and is now pending"))
                .anyMatch(v -> v.contains("`cancel open` was committed, yet a fresh reader sees open pending"));
        assertThat(changes.reruns(RunHistory.read(dir.resolve("runs.log")))).singleElement().asString()
                .contains("task done was completed by line 2 of runs.log, yet run done/2 started at line 3");
        store.close();
    }

    @Test
    void aTempFileIsPinnedOnTheProcessWritingItAndTornOnceThatProcessIsDead() throws Exception {
        CheckpointWatch watch = new CheckpointWatch(dir);
        Path temp = dir.resolve(".execution_log.json." + java.util.UUID.randomUUID() + ".tmp");
        Path output = dir.resolve("holder.out");
        Process holder = JavaProcess.start(output, HoldLock.class, temp.toString(), "{}", "60000");
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(output).contains("locked"));
            Files.createDirectories(dir.resolve("task_locks"));
            Files.writeString(dir.resolve("task_locks/..journal.x.tmp"), "");
            Files.writeString(dir.resolve("task_locks/.host-1-1.lock.y.tmp"), "");

            List<CheckpointWatch.Temp> seen = watch.poll(List.of(ProcessHandle.current().pid(), holder.pid()), true);

            assertThat(seen).extracting(t -> t.kind).containsExactlyInAnyOrder(CheckpointWatch.Kind.LOG,
                    CheckpointWatch.Kind.JOURNAL);
            assertThat(seen).filteredOn(t -> t.kind == CheckpointWatch.Kind.LOG).singleElement()
                    .satisfies(t -> assertThat(t.writer).isEqualTo(holder.pid()));
            holder.destroyForcibly().waitFor();
            List<CheckpointWatch.Temp> left = watch.leftoversOf(holder.pid(), List.of(), 50);
            assertThat(left).extracting(t -> t.path.getFileName().toString())
                    .containsExactlyInAnyOrder(temp.getFileName().toString(), "..journal.x.tmp");
            CheckpointWatch.poison(temp);
            assertThat(Files.readAllBytes(temp)).isEqualTo(CheckpointWatch.TORN);
            assertThat(watch.poll(List.of(), false)).as("leftovers are not seen again").isEmpty();
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void aSummaryThatDisagreesWithTheEntriesIsFound() throws Exception {
        new FileTaskStore(dir, Clock.systemUTC()).add(List.of(Task.grind("a").build()));
        Files.writeString(dir.resolve("execution_log.json"), "{\"version\":\"1.0\",\"tasks\":{},\"swarm_summary\":"
                + "{\"total_tasks\":1,\"completed\":1,\"in_progress\":0,\"pending\":0,\"failed\":0}}");

        assertThat(WorkspaceAudit.check(dir, Set.of(TaskStatus.PENDING), RunHistory.read(dir.resolve("none"))))
                .anyMatch(v -> v.contains("does not match the entries"));
    }
}
