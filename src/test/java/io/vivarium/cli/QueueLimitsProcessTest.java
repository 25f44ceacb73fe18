package io.vivarium.cli;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.store.Snapshot;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.support.CliProcess;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A queue's limits and a pause hold across real processes: two {@code start 4} JVMs share a workspace, and the
 * limits are set with the real CLI. The scenarios take the store's arguments, so each runs on every store.
 */
class QueueLimitsProcessTest {

    @TempDir
    Path workspace;

    @TempDir
    Path scratch;

    @Test
    void onTheWorkspaceFilesConcurrencyOneNeverRunsTwoAtOnce() throws Exception {
        concurrencyOne(List.of("-w", workspace.toString()), StoreLocation.of(workspace, ""));
    }

    @Test
    void onTheWorkspaceFilesARateOfThreeASecondNeverStartsAFourth() throws Exception {
        rateOfThreeASecond(List.of("-w", workspace.toString()), StoreLocation.of(workspace, ""));
    }

    @Test
    void onTheWorkspaceFilesPauseStopsEveryProcessWithinASecondAndResumeRestartsThem() throws Exception {
        pauseAndResume(List.of("-w", workspace.toString()), StoreLocation.of(workspace, ""));
    }

    /**
     * Each grind holds a {@code flock -n} on one file while it runs: a second grind of the queue running at the same
     * moment cannot take it and fails its only attempt.
     */
    void concurrencyOne(List<String> storeArgs, StoreLocation location) throws Exception {
        Path probe = scratch.resolve("probe.lock");
        int tasks = 8;
        try (TaskStore store = open(location)) {
            store.add(IntStream.rangeClosed(1, tasks).mapToObj(i -> aTask("t" + i).queue("tests").maxAttempts(1)
                    .runAt(bothPoolsUp())
                    .command("flock -n " + probe + " -c 'sleep 0.3' || { echo overlap; exit 1; }").build()).toList());
        }
        assertThat(cli(storeArgs, "queue", "set", "tests", "--concurrency", "1").waitFor(60)).isZero();

        List<CliProcess> pools = startPools(storeArgs, "4", "--wait");
        try (TaskStore store = open(location)) {
            // A finish and the next claim are one write, so the pool that finishes tends to take the next task;
            // the other asks at every change all the same, and is refused while one runs.
            await().atMost(Duration.ofSeconds(60)).until(() -> store.summary().completed() >= 1);
            assertThat(pools).as("both pools compete while the queue runs").allSatisfy(p ->
                    assertThat(p.isAlive()).isTrue());
        }
        for (CliProcess pool : pools) {
            assertThat(pool.waitFor(120)).as(pool.output()).isZero();
        }
        try (TaskStore store = open(location)) {
            Snapshot done = store.snapshot();
            assertThat(done.tasks()).allSatisfy(t -> assertThat(done.statusOf(t.id())).as(t.id() + ": "
                    + done.runOf(t.id()).error()).isEqualTo(TaskStatus.COMPLETED));
            List<TaskRun> runs = done.tasks().stream().map(t -> done.runOf(t.id()))
                    .sorted(java.util.Comparator.comparing(TaskRun::startedAt)).toList();
            for (int i = 1; i < runs.size(); i++) {
                assertThat(runs.get(i).startedAt()).as("each run starts after the one before it ended")
                        .isAfterOrEqualTo(runs.get(i - 1).completedAt());
            }
        }
    }

    void rateOfThreeASecond(List<String> storeArgs, StoreLocation location) throws Exception {
        int tasks = 12;
        try (TaskStore store = open(location)) {
            store.add(IntStream.rangeClosed(1, tasks).mapToObj(i -> aTask("r" + i).queue("api").command("true")
                    .runAt(bothPoolsUp())
                    .build()).toList());
        }
        assertThat(cli(storeArgs, "queue", "set", "api", "--rate", "3/s").waitFor(60)).isZero();

        List<CliProcess> pools = startPools(storeArgs, "4", "--wait");
        for (CliProcess pool : pools) {
            assertThat(pool.waitFor(120)).as(pool.output()).isZero();
        }
        try (TaskStore store = open(location)) {
            Snapshot done = store.snapshot();
            assertThat(workersOf(done)).as("both processes ran some").hasSize(2);
            List<Instant> starts = done.tasks().stream().map(t -> done.runOf(t.id()))
                    .peek(run -> assertThat(run.status()).isEqualTo(TaskStatus.COMPLETED))
                    .map(TaskRun::startedAt).sorted().toList();
            for (int i = 0; i + 3 < starts.size(); i++) {
                assertThat(Duration.between(starts.get(i), starts.get(i + 3)))
                        .as("starts %s: a fourth within a second of %s", starts, starts.get(i))
                        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            }
            assertThat(Duration.between(starts.get(0), starts.get(tasks - 1)))
                    .as("12 starts at 3 a second take at least 3 s").isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        }
    }

    void pauseAndResume(List<String> storeArgs, StoreLocation location) throws Exception {
        int tasks = 60;
        try (TaskStore store = open(location)) {
            store.add(IntStream.rangeClosed(1, tasks).mapToObj(i -> aTask(String.format("p%02d", i))
                    .command("sleep 0.2").build()).toList());
        }
        List<CliProcess> pools = startPools(storeArgs, "2");
        try (TaskStore store = open(location)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> store.summary().completed() >= 4);
            CliProcess pause = cli(storeArgs, "pause");
            assertThat(pause.waitFor(60)).as(pause.output()).isZero();
            Instant paused = Instant.now();

            Thread.sleep(2500);
            Snapshot held = store.snapshot();
            List<Instant> late = startsAfter(held, paused.plusSeconds(1));
            assertThat(late).as("starts more than a second after the pause").isEmpty();
            assertThat(held.summary().inProgress()).as("running grinds finished").isZero();
            int completedWhilePaused = held.summary().completed();
            assertThat(completedWhilePaused).isLessThan(tasks);
            assertThat(pools).as("the pools wait for a resume").allSatisfy(p -> assertThat(p.isAlive()).isTrue());
            System.out.println("last start after the pause: " + startsAfter(held, paused.minusSeconds(5)).stream()
                    .max(Instant::compareTo).map(at -> Duration.between(paused, at)).orElse(null));

            CliProcess resume = cli(storeArgs, "resume");
            assertThat(resume.waitFor(60)).as(resume.output()).isZero();
            Instant resumed = Instant.now();
            await().atMost(Duration.ofSeconds(5)).until(() -> store.summary().completed() > completedWhilePaused);
            for (CliProcess pool : pools) {
                assertThat(pool.waitFor(120)).as(pool.output()).isZero();
            }
            Snapshot done = store.snapshot();
            assertThat(done.summary().completed()).isEqualTo(tasks);
            assertThat(startsAfter(done, resumed.minusSeconds(1)).stream().map(Instant::toString).toList())
                    .as("the pools started again").isNotEmpty();
            assertThat(workersOf(done)).hasSize(2);
        }
    }

    /** A start time both pools' JVMs are up by, so that both compete for every task. */
    private static Instant bothPoolsUp() {
        return Instant.now().plusSeconds(6);
    }

    private List<CliProcess> startPools(List<String> storeArgs, String... start) {
        List<CliProcess> pools = new ArrayList<>();
        for (String name : List.of("first", "second")) {
            List<String> args = new ArrayList<>(List.of("start"));
            args.addAll(List.of(start));
            args.addAll(storeArgs);
            pools.add(CliProcess.start(scratch.resolve(name + ".out"), args.toArray(String[]::new)));
        }
        return pools;
    }

    private CliProcess cli(List<String> storeArgs, String... verb) {
        List<String> args = new ArrayList<>(List.of(verb));
        args.addAll(storeArgs);
        return CliProcess.start(scratch.resolve(String.join("-", verb).replaceAll("[^A-Za-z0-9.-]", "_") + ".out"), args.toArray(String[]::new));
    }

    private static TaskStore open(StoreLocation location) {
        return TaskStores.open(location, Clock.systemUTC(), StoreSettings.defaults());
    }

    private static List<Instant> startsAfter(Snapshot snapshot, Instant moment) {
        return snapshot.tasks().stream().map(Task::id).map(snapshot::runOf).map(TaskRun::startedAt)
                .filter(at -> at != null && at.isAfter(moment)).toList();
    }

    /** The pools that ran the tasks: one worker id per pool. */
    private static java.util.Set<String> workersOf(Snapshot snapshot) {
        java.util.Set<String> processes = new java.util.HashSet<>();
        for (Task task : snapshot.tasks()) {
            String worker = snapshot.runOf(task.id()).workerId();
            if (worker != null) {
                processes.add(worker);
            }
        }
        return processes;
    }
}
