package io.vivarium.worker;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliProcess;
import io.vivarium.support.Processes;
import io.vivarium.support.WorkspaceFiles;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers that die, hang or are told to stop in the middle of a grind, in real processes. */
class CrashRecoveryTest {

    /** Each run appends "start"; a run that is not stopped appends "end" some seconds later. */
    private static String slow(int seconds) {
        return "echo start >> runs.log; sleep " + seconds + "; echo end >> runs.log";
    }

    @TempDir
    Path workspace;

    @TempDir
    Path scratch;

    private FileTaskStore store;
    private Path runs;

    private void oneSlowTask(int seconds) {
        store.add(List.of(aTask("slow").command(slow(seconds)).maxBudget(1.0).build()));
    }

    @BeforeEach
    void paths() {
        store = new FileTaskStore(workspace, Clock.systemUTC());
        runs = workspace.resolve("runs.log");
    }

    private CliProcess worker(String name, String... extra) {
        String[] base = {"worker", "run", "1", "-w", workspace.toString(), "--lease", "2", "--backoff", "0"};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        return CliProcess.start(scratch.resolve(name + ".out"), args);
    }

    private long awaitGrindStarted() {
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(runs)
                && WorkspaceFiles.claimOf(workspace, "slow").filter(c -> c.has("grind_pid")).isPresent());
        return WorkspaceFiles.claimOf(workspace, "slow").orElseThrow().get("grind_pid").asLong();
    }

    private List<String> runLines() throws Exception {
        return Files.readAllLines(runs);
    }

    @Test
    void aKilledWorkersTaskIsTakenOverItsGrindEndedAndItCompletesOnce() throws Exception {
        oneSlowTask(3);
        CliProcess first = worker("first");
        long orphanGrind = awaitGrindStarted();

        first.signal("KILL");
        first.waitFor(10);
        CliProcess second = worker("second");

        assertThat(second.waitFor(60)).as(second.output()).isZero();
        assertThat(Processes.isRunning(orphanGrind)).isFalse();
        Thread.sleep(500); // had the first grind survived, its "end" would be due by now
        assertThat(runLines()).containsExactly("start", "start", "end");
        TaskRun run = store.snapshot().runOf("slow");
        assertThat(run.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(run.attempts()).isEqualTo(2);
        assertThat(WorkspaceFiles.claimOf(workspace, "slow")).isEmpty();
    }

    @Test
    void aHungWorkerLosesItsClaimAfterTheLeaseAndRecordsNothingWhenItWakes() throws Exception {
        oneSlowTask(6);
        CliProcess hung = worker("hung");
        long hungGrind = awaitGrindStarted();
        stopOutsideTheWorkspaceLock(hung); // alive, holding its claim, but no longer renewing its heartbeat

        long before = System.nanoTime();
        CliProcess rescuer = worker("rescuer");
        assertThat(rescuer.waitFor(60)).as(rescuer.output()).isZero();
        double waited = (System.nanoTime() - before) / 1e9;

        assertThat(waited).as("the takeover waited for the 2 s lease").isGreaterThan(2.0);
        assertThat(Processes.isRunning(hungGrind)).isFalse();
        TaskRun run = store.snapshot().runOf("slow");
        assertThat(run.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(run.attempts()).isEqualTo(2);

        hung.signal("CONT");
        int code = hung.waitFor(30);
        assertThat(hung.output()).contains("not recorded (claim lost)");
        assertThat(code).as(hung.output()).isIn(0, 1);
        assertThat(store.snapshot().runOf("slow")).isEqualTo(run);
        assertThat(runLines()).containsExactly("start", "start", "end");
    }

    @Test
    void sigtermReleasesTheClaimAtOnceWithoutUsingAnAttempt() throws Exception {
        oneSlowTask(30);
        CliProcess worker = worker("terminated", "--grace", "0");
        long grind = awaitGrindStarted();

        long before = System.nanoTime();
        worker.process().destroy(); // SIGTERM
        worker.waitFor(10);
        double took = (System.nanoTime() - before) / 1e9;

        assertThat(took).as("released well before the 2 s lease").isLessThan(2.0);
        assertThat(worker.output()).contains("claims released");
        assertThat(WorkspaceFiles.claimOf(workspace, "slow")).isEmpty();
        assertThat(Processes.isRunning(grind)).isFalse();
        TaskRun run = store.snapshot().runOf("slow");
        assertThat(run.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(run.attempts()).isZero();
        assertThat(runLines()).containsExactly("start");
    }

    /**
     * Stops the process at a moment it does not hold the workspace lock: a process stopped inside it (a commit, a
     * checkpoint's renames) would stop every other with it, which no lease can cover, and the test would hang.
     */
    private void stopOutsideTheWorkspaceLock(CliProcess process) throws Exception {
        Path lockFile = workspace.resolve("task_locks").resolve(".workspace.lock");
        for (int attempt = 0; attempt < 100; attempt++) {
            process.signal("STOP");
            awaitState(process.process().pid(), 'T');
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lockFile,
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.CREATE)) {
                java.nio.channels.FileLock free = channel.tryLock();
                if (free != null) {
                    free.release();
                    return;
                }
            }
            process.signal("CONT");
            Thread.sleep(20);
        }
        throw new AssertionError("the worker held the workspace lock at each of 100 stops");
    }

    private static void awaitState(long pid, char state) throws Exception {
        Path stat = Path.of("/proc", String.valueOf(pid), "stat");
        for (int i = 0; i < 200; i++) {
            String line = Files.readString(stat);
            // "pid (comm) S ...": the state follows the last ')'.
            if (line.charAt(line.lastIndexOf(')') + 2) == state) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("process " + pid + " did not reach state " + state);
    }
}
