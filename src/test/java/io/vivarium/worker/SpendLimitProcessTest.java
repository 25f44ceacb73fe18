package io.vivarium.worker;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.cli.Cli;
import io.vivarium.store.Snapshot;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import io.vivarium.support.WorkspaceFiles;
import io.vivarium.task.Budget;
import io.vivarium.task.Money;
import io.vivarium.task.Task;
import io.vivarium.task.TaskStatus;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The spend limit across processes: three JVMs running {@code start 2} over one workspace of 40 command tasks
 * ({@code sleep 0.05}, at $1/s: each costs $0.05 to $0.10 and reserves $0.10) under a limit of $1.00 kept in the
 * workspace. An auditor reads {@code execution_log.json} in a loop for the whole run and checks spent + reserved
 * against the limit in every revision it sees; every write increments the revision, so the revisions it missed are
 * counted and reported.
 */
class SpendLimitProcessTest {

    private static final int TASKS = 40;
    private static final long LIMIT = 1_000_000;

    @TempDir
    Path workspace;

    @TempDir
    Path scratch;

    /** Each revision of the log seen, with spent + reserved and the limit then, in micro-dollars. */
    private final Map<Long, long[]> seen = new ConcurrentSkipListMap<>();
    private volatile boolean auditing = true;

    @Test
    void threeProcessesNeverCrossTheLimitTheRestWaitWithTheReasonAndARaisedLimitLetsThemRun() throws Exception {
        FileTaskStore store = new FileTaskStore(workspace, Clock.systemUTC());
        store.add(IntStream.range(0, TASKS).mapToObj(i -> aTask("task_" + i).command("sleep 0.05").minBudget(0.05)
                .maxBudget(0.10).maxAttempts(1).build()).toList());
        assertThat(CliRun.in(workspace, "limit", "set", "1.00").exitCode()).isZero();
        Thread auditor = new Thread(this::audit, "log-auditor");
        auditor.start();

        String ws = workspace.toString();
        List<CliProcess> processes = IntStream.range(0, 3)
                .mapToObj(i -> CliProcess.start(scratch.resolve("p" + i + ".out"), "start", "2", "-w", ws, "--rate", "1"))
                .toList();
        for (CliProcess p : processes) {
            assertThat(p.waitFor(120)).as(p.output()).isEqualTo(Cli.SPEND_LIMIT_REACHED);
            assertThat(p.output()).contains("Stopped at the spend limit").doesNotContain("internal error", "Exception");
        }

        Snapshot stalled = store.snapshot();
        long ran = stalled.tasks().stream().filter(t -> stalled.statusOf(t.id()) != TaskStatus.PENDING).count();
        long waiting = TASKS - ran;
        JsonNode log = WorkspaceFiles.log(workspace);
        long spent = Money.micros(log.get("spent").asDouble());
        assertThat(log.get("reserved").asDouble()).isZero();
        // Every grind costs between $0.05 and $0.10, and the next claim must leave room for a whole $0.10.
        assertThat(spent).isLessThanOrEqualTo(LIMIT).isGreaterThan(LIMIT - 100_000);
        assertThat(ran).isBetween(10L, 19L);
        assertThat(spent).isEqualTo(stalled.tasks().stream().mapToLong(t -> Money.micros(stalled.runOf(t.id()).spentOrZero())).sum());
        assertThat(CliRun.in(workspace, "status").out()).contains("Spend: $" + Budget.format(Money.dollars(spent))
                + " of $1.00 limit; $0.00 reserved; " + waiting + " tasks wait for budget");
        Task waitingTask = stalled.tasks().stream().filter(t -> stalled.statusOf(t.id()) == TaskStatus.PENDING)
                .findFirst().orElseThrow();
        assertThat(CliRun.in(workspace, "start", "--dry-run").out())
                .contains(waitingTask.id()).contains("waits for budget: needs $0.10 of the limit");

        assertThat(CliRun.in(workspace, "limit", "set", "10").exitCode()).isZero();
        CliProcess rest = CliProcess.start(scratch.resolve("rest.out"), "start", "3", "-w", ws, "--rate", "1");
        assertThat(rest.waitFor(120)).as(rest.output()).isIn(Cli.OK, Cli.TASKS_FAILED);
        assertThat(store.summary().pending()).isZero();
        assertThat(store.summary().inProgress()).isZero();

        auditor.interrupt();
        auditing = false;
        auditor.join(5000);
        report();
        assertThat(seen).as("committed states audited").hasSizeGreaterThan(TASKS / 2);
        seen.forEach((revision, state) -> assertThat(state[0])
                .as("spent + reserved at revision %d, limit %d", revision, state[1]).isLessThanOrEqualTo(state[1]));
    }

    /**
     * Reads, as often as it can, every committed state: each journal line (a commit, with the ledger after it, under
     * its seq) and each checkpoint of the log (under the seq it holds). A line dropped by a checkpoint before it was
     * read shows as a gap in the seqs, which the report counts.
     */
    private void audit() {
        Path file = workspace.resolve("execution_log.json");
        Path journal = workspace.resolve("task_locks/.journal");
        while (auditing && !Thread.currentThread().isInterrupted()) {
            try {
                JsonNode log = WorkspaceFiles.read(file);
                record(log.get("revision").asLong(), log);
            } catch (UncheckedIOException | JacksonException | NullPointerException e) {
                // not there yet
            }
            try {
                String[] lines = java.nio.file.Files.readString(journal).split("\n");
                for (int i = 1; i < lines.length; i++) {
                    JsonNode line = JSON.readTree(lines[i]);
                    if (line.has("seq") && line.has("spend")) {
                        record(line.get("seq").asLong(), line.get("spend"));
                    }
                }
            } catch (java.io.IOException | JacksonException e) {
                // a torn last line, or the journal between two files
            }
            try {
                TimeUnit.MICROSECONDS.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void record(long seq, JsonNode ledger) {
        if (ledger.has("spend_limit")) {
            long committed = Money.micros(ledger.get("spent").asDouble()) + Money.micros(ledger.get("reserved").asDouble());
            seen.putIfAbsent(seq, new long[] {committed, Money.micros(ledger.get("spend_limit").asDouble())});
        }
    }

    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    private void report() {
        long first = ((ConcurrentSkipListMap<Long, long[]>) seen).firstKey();
        long last = ((ConcurrentSkipListMap<Long, long[]>) seen).lastKey();
        long max = seen.values().stream().filter(s -> s[1] == LIMIT).mapToLong(s -> s[0]).max().orElse(0);
        System.out.printf("spend audit: %d of the %d committed states %d..%d read from the journal and the log (%.1f%%); "
                        + "highest spent + reserved under the $1.00 limit: $%s%n", seen.size(), last - first + 1, first,
                last, 100.0 * seen.size() / (last - first + 1), Money.dollars(max));
    }
}
