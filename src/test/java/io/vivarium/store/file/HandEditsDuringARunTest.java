package io.vivarium.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import io.vivarium.support.WorkspaceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code start 4} processes over eight command tasks in a git repository, and a hand edit while their grinds
 * run (issue 17, items 3 and 4): neither process fails or prints a stack trace, no grind is stopped part-way, and
 * no task runs twice at once. Claims are facts of the lease files, whatever the documents and the journal now say.
 */
class HandEditsDuringARunTest {

    private static final int TASKS = 12;

    @TempDir
    Path ws;

    @TempDir
    Path logs;

    enum Strike {
        /** Item 3: the log as committed, every task pending. */
        CHECKOUT_LOG(true, "git", "checkout", "execution_log.json"),
        STASH(true, "git", "stash"),
        TRUNCATE_LOG(true, "sh", "-c", ": > execution_log.json"),
        /** Item 4: the journal removed as the first grinds start, before the second process comes. */
        REMOVE_JOURNAL(false, "rm", "task_locks/.journal"),
        REMOVE_DOCUMENTS(false, "rm", "queue.json", "execution_log.json");

        final boolean afterSecond;
        final String[] command;

        Strike(boolean afterSecond, String... command) {
            this.afterSecond = afterSecond;
            this.command = command;
        }
    }

    @ParameterizedTest
    @EnumSource(Strike.class)
    void runningProcessesAdaptAndNoTaskRunsTwiceAtOnce(Strike strike) throws Exception {
        run("git", "init", "-q");
        for (int i = 1; i <= TASKS; i++) {
            String id = "t" + i;
            CliRun add = CliRun.in(ws, "add", id, "grind", "--command", command(id, 2), "--max", "1");
            assertThat(add.exitCode()).as(add.err()).isZero();
        }
        run("git", "add", "queue.json", "execution_log.json");
        run("git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "eight tasks");

        CliProcess first = CliProcess.start(logs.resolve("first.out"), "start", "4", "-w", ws.toString());
        awaitStarts(4);
        if (!strike.afterSecond) {
            run(strike.command);
        }
        CliProcess second = CliProcess.start(logs.resolve("second.out"), "start", "4", "-w", ws.toString());
        if (strike.afterSecond) {
            // Past the first wave: some tasks are done and committed, the next ones run.
            awaitStarts(9);
            run(strike.command);
        }
        int firstExit = first.waitFor(90);
        int secondExit = second.waitFor(90);

        for (CliProcess p : List.of(first, second)) {
            assertThat(p.output()).doesNotContain("Exception", "\tat ", "ERROR");
        }
        Map<String, List<long[]>> runs = runs();
        List<String> overlaps = overlaps(runs);
        assertThat(overlaps).as("runs that overlapped").isEmpty();
        if (strike != Strike.REMOVE_DOCUMENTS) {
            // The tasks are still in the queue: no grind was stopped part-way, and every task ends completed. A task
            // the edit made pending again (a log from before it ran) runs again: that is what the files now say.
            assertThat(firstExit).as(first.output()).isZero();
            assertThat(secondExit).as(second.output()).isZero();
            for (int i = 1; i <= TASKS; i++) {
                String id = "t" + i;
                assertThat(runs.get(id)).as("runs of " + id).isNotEmpty()
                        .allSatisfy(r -> assertThat(r[1]).as(id + " ran to its end").isPositive());
            }
            assertThat(WorkspaceFiles.log(ws).get("swarm_summary").get("completed").asInt()).isEqualTo(TASKS);
        }
        CliRun status = CliRun.in(ws, "status");
        assertThat(status.exitCode()).as(status.err()).isIn(0, 1);
        assertThat(CliRun.in(ws, "clear").exitCode()).isZero();
    }

    /**
     * The hand-edit campaign's double run: while one pool runs every task and another waits idle, the lease files
     * are removed (the claims end; their grinds are to stop and record nothing) and the log truncated a moment
     * later (every task pending at once). The idle pool must not start a task whose grind still runs. A grind holds
     * a lock while it lives (a stopped grind writes no end, so the run log cannot tell when it stopped).
     */
    @Test
    void removedLeasesThenATruncatedLogStartNoTaskBesideItsStillRunningGrind() throws Exception {
        int tasks = 4;
        for (int i = 1; i <= tasks; i++) {
            String id = "t" + i;
            String grind = "flock -n " + logs.resolve("probe." + id) + " sh -c '" + command(id, 5) + "' || echo " + id
                    + " >> " + logs.resolve("overlaps.log");
            assertThat(CliRun.in(ws, "add", id, "grind", "--command", grind, "--max", "1").exitCode()).isZero();
        }
        CliProcess first = CliProcess.start(logs.resolve("first.out"), "start", "4", "-w", ws.toString());
        awaitStarts(tasks);
        CliProcess idle = CliProcess.start(logs.resolve("idle.out"), "start", "4", "-w", ws.toString());
        Thread.sleep(2500); // its JVM up, nothing to claim: it waits for the running tasks
        run("sh", "-c", "rm -f task_locks/*.lock; sleep 0.1; : > execution_log.json");

        assertThat(first.waitFor(90)).as(first.output()).isZero();
        assertThat(idle.waitFor(90)).as(idle.output()).isZero();
        assertThat(logs.resolve("overlaps.log")).as("a grind started while another of its task still ran; runs:\n"
                + Files.readString(ws.resolve("runs.log")) + first.output() + idle.output()).doesNotExist();
        Map<String, List<long[]>> runs = runs();
        for (int i = 1; i <= tasks; i++) {
            String id = "t" + i;
            assertThat(runs.get(id)).as("runs of " + id).anySatisfy(r -> assertThat(r[1]).isPositive());
        }
    }

    /** Writes {@code start ID PID MS} and {@code end ID PID MS} with the wall clock in milliseconds. */
    static String command(String id, int seconds) {
        return "echo \"start " + id + " $$ $(date +%s%3N)\" >> runs.log; sleep " + seconds
                + "; echo \"end " + id + " $$ $(date +%s%3N)\" >> runs.log";
    }

    private void awaitStarts(int count) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> runs().values().stream().mapToInt(List::size).sum() >= count);
    }

    /** Each task's runs as {start ms, end ms (0 while it has none)}. */
    private Map<String, List<long[]>> runs() throws IOException {
        Path log = ws.resolve("runs.log");
        Map<String, List<long[]>> byTask = new HashMap<>();
        Map<String, long[]> byToken = new HashMap<>();
        if (!Files.exists(log)) {
            return byTask;
        }
        for (String line : Files.readAllLines(log)) {
            String[] p = line.trim().split(" ");
            if (p.length != 4) {
                continue;
            }
            String token = p[1] + "/" + p[2];
            if (p[0].equals("start")) {
                long[] run = {Long.parseLong(p[3]), 0};
                byToken.put(token, run);
                byTask.computeIfAbsent(p[1], k -> new ArrayList<>()).add(run);
            } else if (byToken.containsKey(token)) {
                byToken.get(token)[1] = Long.parseLong(p[3]);
            }
        }
        return byTask;
    }

    /** Two runs of one task overlap when one starts before the other ended (or before now, if it never ended). */
    static List<String> overlaps(Map<String, List<long[]>> runs) {
        List<String> found = new ArrayList<>();
        long now = System.currentTimeMillis();
        runs.forEach((id, list) -> {
            for (int i = 0; i < list.size(); i++) {
                for (int j = i + 1; j < list.size(); j++) {
                    long[] a = list.get(i);
                    long[] b = list.get(j);
                    long aEnd = a[1] == 0 ? now : a[1];
                    long bEnd = b[1] == 0 ? now : b[1];
                    if (a[0] < bEnd && b[0] < aEnd) {
                        found.add(id + ": [" + a[0] + ", " + a[1] + "] and [" + b[0] + ", " + b[1] + "]");
                    }
                }
            }
        });
        return found;
    }

    private void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(ws.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }
}
