package io.vivarium.cli;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.Vivarium;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliProcess;
import io.vivarium.support.JavaProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code logs -f} in one JVM follows a grind that a {@code start} in another JVM runs: each line the grind prints
 * (stamped with the time it printed it) shows within 200 ms, and the follower ends when the grind does.
 */
class LogsFollowProcessTest {

    private static final int LINES = 12;
    private static final long MAX_LATENCY_MILLIS = 200;

    @TempDir
    Path workspace;

    @TempDir
    Path scratch;

    @Test
    void aLineShowsWithinTwoHundredMillisecondsAndTheFollowerEndsWithTheGrind() throws Exception {
        new FileTaskStore(workspace, Clock.systemUTC()).add(List.of(aTask("ticker")
                .command("for i in $(seq " + LINES + "); do echo \"$i $(date +%s%N)\"; sleep 0.25; done")
                .maxBudget(10.0).build()));
        Process follower = JavaProcess.start(JavaProcess.builder(Vivarium.class, "logs", "ticker", "-f", "-w",
                workspace.toString()).redirectErrorStream(true));
        List<String> lines = new CopyOnWriteArrayList<>();
        List<Long> latencies = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(follower.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    Instant seen = Instant.now();
                    lines.add(line);
                    String[] parts = line.split(" ");
                    if (parts.length == 2 && parts[1].matches("\\d{19}")) {
                        long printed = Long.parseLong(parts[1]);
                        long seenNanos = seen.getEpochSecond() * 1_000_000_000L + seen.getNano();
                        latencies.add((seenNanos - printed) / 1_000_000);
                    }
                }
            } catch (java.io.IOException e) {
                // the follower ended
            }
        });
        reader.start();
        CliProcess worker = CliProcess.start(scratch.resolve("start.out"), "start", "1", "-w", workspace.toString());

        assertThat(worker.waitFor(60)).as(worker.output()).isZero();
        assertThat(follower.waitFor(10, TimeUnit.SECONDS)).as("the follower ends with the grind").isTrue();
        reader.join(5000);
        assertThat(follower.exitValue()).as(String.join("\n", lines)).isZero();
        assertThat(lines).as("every line, in order").hasSize(LINES);
        for (int i = 0; i < LINES; i++) {
            assertThat(lines.get(i)).startsWith((i + 1) + " ");
        }
        // The follower's JVM may start after the first lines were printed: those it reads at once are not timed.
        List<Long> live = latencies.subList(latencies.size() / 2, latencies.size());
        assertThat(live).as("latencies in ms: " + latencies).allSatisfy(ms -> assertThat(ms)
                .isBetween(0L, MAX_LATENCY_MILLIS));
        System.out.println("logs -f latencies (ms): " + latencies);
    }
}
