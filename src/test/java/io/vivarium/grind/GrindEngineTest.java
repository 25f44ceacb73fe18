package io.vivarium.grind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.task.GrindResult;
import io.vivarium.task.Intensity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrindEngineTest {

    @TempDir
    Path workspace;

    private GrindEngine engine(double rate) {
        return new GrindEngine(workspace, new GrindSettings(rate, 1024), null);
    }

    private static GrindRequest command(String cmd, double min, double max) {
        return new GrindRequest("t", cmd, null, min, max, Intensity.MEDIUM, null);
    }

    @Test
    void theGuidesEmptyGrindCompletesAtItsMinimum() {
        GrindResult result = engine(0.01).run(new GrindRequest(null, null, null, 0.05, 0.10, Intensity.MEDIUM, null),
                GrindControl.none());

        assertThat(result.succeeded()).isTrue();
        assertThat(result.result()).isEqualTo("Grind completed with intensity=medium");
        assertThat(result.budgetUsed()).isEqualTo(0.05);
    }

    @Test
    void aCommandRunsInTheWorkspaceAndKeepsItsOutput() {
        GrindResult result = engine(0.01).run(command("pwd; echo to-stderr >&2; touch made-here", 0.01, 1), GrindControl.none());

        assertThat(result.succeeded()).isTrue();
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains(workspace.toString()).contains("to-stderr");
        assertThat(workspace.resolve("made-here")).exists();
        assertThat(result.budgetUsed()).isBetween(0.01, 1.0);
    }

    @Test
    void aNonZeroExitFailsWithTheCodeAndLastLine() {
        GrindResult result = engine(0.01).run(command("echo first; echo 'it broke'; exit 7", 0.01, 1), GrindControl.none());

        assertThat(result.succeeded()).isFalse();
        assertThat(result.retryable()).isTrue();
        assertThat(result.exitCode()).isEqualTo(7);
        assertThat(result.error()).isEqualTo("exit code 7: it broke");
    }

    @Test
    void theMeterChargesTimeAtTheIntensityRate() {
        // 1 $/s at high intensity (×1.5) for ~0.5 s is ~0.75 $, inside [0.01, 5].
        GrindResult result = new GrindEngine(workspace, new GrindSettings(1.0, 1024), null)
                .run(new GrindRequest("t", "sleep 0.5", null, 0.01, 5, Intensity.HIGH, null), GrindControl.none());

        assertThat(result.budgetUsed()).isBetween(0.7, 1.2);
    }

    @Test
    void aGrindThatWouldPassItsBudgetIsStoppedWithItsWholeProcessTree() throws Exception {
        // $0.01/s at medium: a $0.02 cap allows 2 s. The command leaves a grandchild behind in the background.
        String cmd = "sleep 60 & echo $! > grandchild.pid; sleep 60";
        long start = System.nanoTime();

        GrindResult result = engine(0.01).run(command(cmd, 0.01, 0.02), GrindControl.none());

        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(result.succeeded()).isFalse();
        assertThat(result.retryable()).isFalse();
        assertThat(result.error()).startsWith("budget exhausted");
        assertThat(result.budgetUsed()).isEqualTo(0.02);
        assertThat(seconds).isBetween(1.9, 10.0);
        long grandchild = Long.parseLong(Files.readString(workspace.resolve("grandchild.pid")).trim());
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(grandchild).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void budgetUsedNeverPassesTheCapNorFallsBelowTheMinimum() {
        GrindResult quick = engine(0.01).run(command("true", 0.05, 0.10), GrindControl.none());
        GrindResult capped = engine(100).run(command("sleep 5", 0.05, 0.10), GrindControl.none());

        assertThat(quick.budgetUsed()).isEqualTo(0.05);
        assertThat(capped.budgetUsed()).isEqualTo(0.10);
        assertThat(capped.error()).startsWith("budget exhausted");
    }

    @Test
    void aTimeoutShorterThanTheBudgetFailsAsATimeout() {
        GrindResult result = engine(0.01).run(new GrindRequest("t", "sleep 30", null, 0.01, 1, Intensity.MEDIUM,
                Duration.ofMillis(300)), GrindControl.none());

        assertThat(result.error()).startsWith("timed out after");
        assertThat(result.retryable()).isTrue();
        assertThat(result.budgetUsed()).isLessThan(0.1);
    }

    @Test
    void theCallerCanStopARunningGrindAndLearnsItsProcess() throws Exception {
        AtomicLong pid = new AtomicLong();
        GrindControl control = new GrindControl((p, started) -> {
            pid.set(p);
            return true;
        });

        CompletableFuture<GrindResult> running = CompletableFuture.supplyAsync(
                () -> engine(0.01).run(command("sleep 60", 0.01, 10), control));
        await().atMost(Duration.ofSeconds(5)).until(() -> pid.get() > 0);
        control.stop("cancelled by user");

        GrindResult result = running.get();
        assertThat(result.error()).isEqualTo("stopped: cancelled by user");
        assertThat(ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void onlyTheTailOfChattyOutputIsKept() {
        GrindResult result = engine(0.01).run(command("seq 1 20000", 0.01, 1), GrindControl.none());

        assertThat(result.output()).contains("earlier bytes dropped").endsWith("20000\n");
        assertThat(result.output().length()).isLessThan(1200);
    }

    @Test
    void aPromptWithoutAnLlmFailsClearly() {
        GrindResult result = engine(0.01).run(new GrindRequest("t", null, "improve it", 0.05, 0.1, null, null),
                GrindControl.none());

        assertThat(result.succeeded()).isFalse();
        assertThat(result.error()).contains("no LLM configured").contains("TOGETHER_API_KEY");
    }
}
