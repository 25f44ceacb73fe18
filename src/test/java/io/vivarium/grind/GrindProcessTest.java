package io.vivarium.grind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vivarium.support.JavaProcess;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Intensity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The grind's process and its worker: the command does nothing before its pid is recorded, and nothing of it (not
 * even a background child) outlives its grind or its worker's JVM.
 */
class GrindProcessTest {

    @TempDir
    Path workspace;

    /** A failing test must not leave its sleeps behind. */
    @AfterEach
    void killLeftovers() throws IOException {
        try (var files = Files.list(workspace)) {
            files.filter(f -> f.toString().endsWith(".pid")).forEach(f -> {
                try {
                    ProcessHandle.of(Long.parseLong(Files.readString(f).trim())).ifPresent(ProcessHandle::destroyForcibly);
                } catch (IOException | NumberFormatException e) {
                    // Half-written by a process that died: nothing to kill.
                }
            });
        }
    }

    private GrindEngine engine() {
        return new GrindEngine(workspace, new GrindSettings(0.01, 4096), null);
    }

    private static GrindRequest command(String cmd, double max, Duration timeout) {
        return new GrindRequest("t", cmd, null, 0.01, max, Intensity.MEDIUM, timeout);
    }

    @Test
    void theCommandDoesNothingUntilItsProcessIsRecorded() throws Exception {
        CountDownLatch recording = new CountDownLatch(1);
        CountDownLatch recorded = new CountDownLatch(1);
        AtomicLong pid = new AtomicLong();
        GrindControl control = new GrindControl((p, started) -> {
            pid.set(p);
            recording.countDown();
            block(recorded);
            return true;
        });

        CompletableFuture<GrindResult> running = CompletableFuture.supplyAsync(
                () -> engine().run(command("touch ran; echo $$", 1, null), control));
        assertThat(recording.await(10, TimeUnit.SECONDS)).isTrue();

        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2))
                .until(() -> Files.notExists(workspace.resolve("ran")));
        assertThat(ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive)).contains(true);
        recorded.countDown();

        GrindResult result = running.get(10, TimeUnit.SECONDS);
        assertThat(result.succeeded()).as(result.error()).isTrue();
        assertThat(workspace.resolve("ran")).exists();
        assertThat(result.output()).as("the command runs as the recorded pid").isEqualTo(pid.get() + "\n");
    }

    @Test
    void aProcessThatCannotBeRecordedNeverRunsItsCommand() {
        AtomicLong pid = new AtomicLong();
        GrindControl control = new GrindControl((p, started) -> {
            pid.set(p);
            return false;
        });

        GrindResult result = engine().run(command("touch ran", 1, null), control);

        assertThat(result.error()).isEqualTo("stopped: claim lost before start");
        assertThat(workspace.resolve("ran")).doesNotExist();
        await().atMost(Duration.ofSeconds(2)).until(() -> isGone(pid.get()));
    }

    @Test
    void aFailingRecordLeavesNoProcessBehind() {
        AtomicLong pid = new AtomicLong();
        GrindControl control = new GrindControl((p, started) -> {
            pid.set(p);
            throw new IllegalStateException("store unreachable");
        });

        assertThatThrownBy(() -> engine().run(command("touch ran", 1, null), control))
                .hasMessage("store unreachable");
        await().atMost(Duration.ofSeconds(2)).until(() -> isGone(pid.get()));
        assertThat(workspace.resolve("ran")).doesNotExist();
    }

    @Test
    void theCommandStillReadsDevNullAndKeepsItsExitCode() {
        GrindResult result = engine().run(command("cat; read x || echo no-input; exit 4", 1, null),
                GrindControl.none());

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.output()).isEqualTo("no-input\n");
    }

    /** How a grind ends: each must take its background children with it. */
    enum Ending {
        SUCCESS("true", r -> r.succeeded()),
        FAILURE("exit 3", r -> Integer.valueOf(3).equals(r.exitCode())),
        BUDGET("sleep 30", r -> r.error().startsWith("budget exhausted")),
        TIMEOUT("sleep 30", r -> r.error().startsWith("timed out")),
        STOP("sleep 30", r -> r.error().equals("stopped: cancelled"));

        final String last;
        final Function<GrindResult, Boolean> check;

        Ending(String last, Function<GrindResult, Boolean> check) {
            this.last = last;
            this.check = check;
        }
    }

    @ParameterizedTest
    @EnumSource(Ending.class)
    void aGrindsBackgroundChildrenEndWithIt(Ending ending) throws Exception {
        // One child keeps the grind's output open (the case), one does not.
        String cmd = "sleep 1001 & echo $! > kept.pid; sleep 1002 >/dev/null 2>&1 & echo $! > quiet.pid; echo started; "
                + ending.last;
        double max = ending == Ending.BUDGET ? 0.01 : 10;
        Duration timeout = ending == Ending.TIMEOUT ? Duration.ofMillis(500) : null;
        GrindControl control = GrindControl.none();
        if (ending == Ending.STOP) {
            CompletableFuture.runAsync(() -> {
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(workspace.resolve("quiet.pid")));
                control.stop("cancelled");
            });
        }

        GrindResult result = engine().run(command(cmd, max, timeout), control);

        assertThat(ending.check.apply(result)).as(result.toString()).isTrue();
        assertThat(result.output()).startsWith("started");
        long kept = pidIn("kept.pid");
        long quiet = pidIn("quiet.pid");
        await().atMost(Duration.ofSeconds(1)).until(() -> isGone(kept) && isGone(quiet));
    }

    @Test
    void aGrindDiesWithItsWorkersJvmEvenByKill9(@TempDir Path scratch) throws Exception {
        Process worker = JavaProcess.start(scratch.resolve("worker.out"), Map.of(), GrindInAnotherJvm.class,
                workspace.toString(), "go", "sleep 1001 & echo $! > child.pid; echo $$ > grind.pid; sleep 1002");
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> pidIn("recorded.pid") > 0 && pidIn("child.pid") > 0 && pidIn("grind.pid") > 0);
            long grind = pidIn("grind.pid");
            long child = pidIn("child.pid");
            assertThat(grind).isEqualTo(pidIn("recorded.pid"));
            assertThat(isGone(grind) || isGone(child)).isFalse();

            worker.destroyForcibly().waitFor();

            await().atMost(Duration.ofSeconds(2)).until(() -> isGone(grind) && isGone(child));
        } finally {
            worker.destroyForcibly();
        }
    }

    @Test
    void aWorkerKilledBeforeItRecordedTheGrindLeavesNothingRunning(@TempDir Path scratch) throws Exception {
        Process worker = JavaProcess.start(scratch.resolve("worker.out"), Map.of(), GrindInAnotherJvm.class,
                workspace.toString(), "hold", "touch ran; sleep 1001");
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> pidIn("recorded.pid") > 0);
            long grind = pidIn("recorded.pid");

            worker.destroyForcibly().waitFor();

            await().atMost(Duration.ofSeconds(2)).until(() -> isGone(grind));
            assertThat(workspace.resolve("ran")).doesNotExist();
        } finally {
            worker.destroyForcibly();
        }
    }

    /**
     * A worker in a JVM of its own: runs one grind, writing its pid to {@code recorded.pid} when told it, and then
     * either lets it go or holds it there forever ({@code hold}), as a worker killed mid-record would.
     */
    public static final class GrindInAnotherJvm {

        public static void main(String[] args) throws Exception {
            Path workspace = Path.of(args[0]);
            boolean hold = args[1].equals("hold");
            GrindControl control = new GrindControl((pid, started) -> {
                write(workspace.resolve("recorded.pid"), pid);
                if (hold) {
                    block(new CountDownLatch(1));
                }
                return true;
            });
            new GrindEngine(workspace, GrindSettings.defaults(), null)
                    .run(new GrindRequest("t", args[2], null, 0.01, 1000, Intensity.MEDIUM, null), control);
        }

        private static void write(Path file, long pid) {
            try {
                Path temp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.writeString(temp, String.valueOf(pid));
                Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private long pidIn(String file) throws IOException {
        return Long.parseLong(Files.readString(workspace.resolve(file)).trim());
    }

    /** Gone, or a zombie waiting for a parent that is itself gone. */
    private static boolean isGone(long pid) {
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true) || isZombie(pid);
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }

    private static void block(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
