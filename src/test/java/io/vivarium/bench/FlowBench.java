package io.vivarium.bench;

import io.vivarium.grind.GrindEngine;
import io.vivarium.grind.GrindSettings;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.QueueLimits;
import io.vivarium.task.QueueName;
import io.vivarium.task.Rate;
import io.vivarium.task.Task;
import io.vivarium.worker.PoolListener;
import io.vivarium.worker.WorkerPool;
import io.vivarium.worker.WorkerSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a queue's limits cost the PostgreSQL claim: N empty grinds run by W workers on a fresh database each, under
 * no flow setting (the claim as before), a concurrency limit that never binds (the locked claim of
 * {@code FlowClaiming}), and a rate that never binds (plus a start row per claim), in turn, ROUNDS times. Prints one
 * JSON line per run. {@code FlowBench TASKS [WORKERS] [ROUNDS]}; fsync and synchronous_commit on, as in StoreBench.
 */
public final class FlowBench {

    private static final List<String> MODES = List.of(System.getProperty("flow.modes", "none concurrency rate")
            .split(" "));

    public static void main(String[] args) throws Exception {
        int tasks = Integer.parseInt(args[0]);
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Path dir = Files.createTempDirectory(Path.of("target"), "flow-bench-");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pgdata"))
                .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").start()) {
            int run = 0;
            for (int round = 0; round < rounds; round++) {
                for (String mode : MODES) {
                    String database = "flow_bench_" + run++;
                    try (Connection c = postgres.getPostgresDatabase().getConnection();
                         Statement s = c.createStatement()) {
                        s.execute("CREATE DATABASE " + database);
                    }
                    String url = "postgresql://localhost:" + postgres.getPort() + "/" + database + "?user=postgres";
                    Path workspace = Files.createDirectories(dir.resolve(database));
                    double perSecond = measure(StoreLocation.of(workspace, url), mode, tasks, workers);
                    System.out.println(String.format(Locale.ROOT, "{\"case\":\"postgresql flow %s\",\"jobs\":%d,"
                            + "\"workers\":%d,\"process_jobs_per_s\":%.0f}", mode, tasks, workers, perSecond));
                }
            }
        }
    }

    private static double measure(StoreLocation location, String mode, int tasks, int workers) throws Exception {
        Clock clock = Clock.systemUTC();
        StoreSettings settings = StoreSettings.defaults();
        try (TaskStore store = TaskStores.open(location, clock, settings)) {
            List<Task> batch = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                batch.add(Task.grind("bench_" + i).build());
                if (batch.size() == 1000 || i == tasks - 1) {
                    store.add(batch);
                    batch = new ArrayList<>();
                }
            }
            QueueLimits limits = switch (mode) {
                case "concurrency" -> QueueLimits.NONE.withConcurrency(QueueLimits.MAX_CONCURRENCY);
                case "rate" -> QueueLimits.NONE.withRate(new Rate(Rate.MAX_STARTS, Duration.ofSeconds(1)));
                default -> QueueLimits.NONE;
            };
            if (!limits.isNone()) {
                // Not even asked without limits: the claim path of a store that never heard of them.
                store.changeFlow(f -> FlowSettings.NONE.withQueue(QueueName.DEFAULT, limits));
            }
            GrindEngine engine = new GrindEngine(location.workspace(), GrindSettings.defaults(), null);
            WorkerPool pool = new WorkerPool(store, engine, WorkerSettings.batch(workers, settings.heartbeatInterval()),
                    clock, new PoolListener() { });
            long start = System.nanoTime();
            pool.start();
            pool.await();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (store.summary().completed() != tasks) {
                throw new IllegalStateException("expected " + tasks + " completed, got " + store.summary());
            }
            return tasks / seconds;
        }
    }
}
