package io.vivarium.campaign;

import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.support.CliProcess;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Several worker JVMs share one PostgreSQL queue of command tasks, as workers on several machines would; one JVM is
 * killed with {@code kill -9} mid-run. The others take over its claims (its database session is gone, so at once,
 * not after the 300 s lease) and finish the queue. Then: every task completed, each with a run that reached its
 * end, no two runs of one task overlapped, no claim left, and the summary equals the entries.
 * Run: {@code src/bench/cluster-campaign.sh [TASKS=10000] [JVMS=3] [WORKERS=8] [SEED]}.
 */
public final class ClusterCampaign {

    record Settings(int tasks, int jvms, int workersPerJvm, long seed, Path workspace) {
    }

    record Report(Settings settings, int completedAtKill, RunHistory history, List<String> violations, long millis) {
        boolean passed() {
            return violations.isEmpty();
        }

        String line() {
            return String.format("cluster campaign: %s - %d command tasks, %d JVMs x %d workers on one PostgreSQL, "
                            + "one JVM killed with -9 after %d tasks completed, %d runs (%d interrupted by the kill), "
                            + "%d violations, %.1f s",
                    passed() ? "PASS" : "FAIL", settings.tasks(), settings.jvms(), settings.workersPerJvm(),
                    completedAtKill, history.totalRuns(), history.interruptedRuns(), violations.size(), millis / 1000.0);
        }
    }

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int jvms = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int workers = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : System.nanoTime();
        Path workspace = Files.createTempDirectory(Path.of(System.getProperty("campaign.dir", "target")), "cluster-");
        Report report = run(new Settings(tasks, jvms, workers, seed, workspace));
        report.violations().stream().limit(20).forEach(v -> System.out.println("  violation: " + v));
        System.out.println("seed " + seed + ", workspace " + workspace);
        System.out.println(report.line());
        System.exit(report.passed() ? 0 : 1);
    }

    static Report run(Settings s) throws Exception {
        long start = System.nanoTime();
        Random random = new Random(s.seed());
        Path ws = s.workspace();
        Path logs = Files.createDirectories(ws.resolve("../" + ws.getFileName() + "-logs").normalize());
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(logs.resolve("pgdata")).start()) {
            String url = "postgresql://localhost:" + postgres.getPort() + "/postgres?user=postgres";
            StoreLocation location = StoreLocation.of(ws, url);
            try (TaskStore store = TaskStores.open(location, Clock.systemUTC(), StoreSettings.defaults())) {
                List<Task> batch = new ArrayList<>();
                for (int i = 0; i < s.tasks(); i++) {
                    // Most grinds are instant; one in ten sleeps, so the kill finds grinds in flight.
                    double seconds = random.nextInt(10) == 0 ? 0.2 : 0;
                    batch.add(Task.grind("task_" + i).command(RunHistory.command("task_" + i, seconds))
                            .maxAttempts(5).maxBudget(1.0).build());
                    if (batch.size() == 1000 || i == s.tasks() - 1) {
                        store.add(batch);
                        batch = new ArrayList<>();
                    }
                }
                String[] workerArgs = {"start", String.valueOf(s.workersPerJvm()), "-w", ws.toString(), "--store", url,
                        "--grace", "0"};
                List<CliProcess> jvms = new ArrayList<>();
                for (int i = 0; i < s.jvms(); i++) {
                    jvms.add(CliProcess.start(logs.resolve("jvm-" + i + ".out"), workerArgs));
                }
                int killAt = s.tasks() / 3;
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
                while (store.summary().completed() < killAt && System.nanoTime() < deadline && jvms.get(0).isAlive()) {
                    Thread.sleep(20);
                }
                int completedAtKill = store.summary().completed();
                CliProcess victim = jvms.get(0);
                victim.signal("KILL");
                victim.process().waitFor(10, TimeUnit.SECONDS);
                for (CliProcess jvm : jvms.subList(1, jvms.size())) {
                    jvm.waitFor(600);
                }
                RunHistory history = RunHistory.read(ws.resolve("runs.log"));
                List<String> violations = audit(store, history);
                return new Report(s, completedAtKill, history, violations, (System.nanoTime() - start) / 1_000_000);
            }
        }
    }

    /** The crash campaign's audit, asked of the database instead of the files. */
    static List<String> audit(TaskStore store, RunHistory history) {
        List<String> violations = new ArrayList<>(history.violations());
        var snapshot = store.snapshot();
        Summary expected = snapshot.summary();
        if (!store.summary().equals(expected)) {
            violations.add("the store's summary " + store.summary() + " does not match its entries " + expected);
        }
        for (Task task : snapshot.tasks()) {
            TaskRun run = snapshot.runOf(task.id());
            if (run.status() != TaskStatus.COMPLETED) {
                violations.add("task " + task.id() + " ended " + run.status() + " (" + run.error() + ")");
            } else if (history.runsOf(task.id()).stream().noneMatch(RunHistory.Run::ended)) {
                violations.add("task " + task.id() + " is completed but no run of it finished");
            }
        }
        if (!store.claims().isEmpty()) {
            violations.add("claims left behind: " + store.claims().stream().map(c -> c.taskId()).toList());
        }
        return violations;
    }
}
