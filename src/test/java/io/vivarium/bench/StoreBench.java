package io.vivarium.bench;

import io.vivarium.grind.GrindEngine;
import io.vivarium.grind.GrindSettings;
import io.vivarium.store.Lease;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import io.vivarium.worker.PoolListener;
import io.vivarium.worker.WorkerPool;
import io.vivarium.worker.WorkerSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Measures a store the way {@code shared/peers} measures db-scheduler and JobRunr, in one JVM: a fresh store, N empty
 * grinds enqueued with no worker running, then W workers timed from their start until all N completed, a 2 s idle
 * gap, then 50 single tasks added one at a time by a second store instance (its own files handle or database
 * connection, as another process would have) with a random gap, each timed from the add's return to its grind's
 * start. Prints one JSON line.
 *
 * <p>Run by {@code src/bench/store-bench.sh}: {@code StoreBench files|postgresql TASKS [WORKERS] [DIR]}. PostgreSQL
 * is an embedded server with {@code fsync=on} and {@code synchronous_commit=on}: every commit is durable, as every
 * write of the workspace files is.
 */
public final class StoreBench {

    private static final int PROBES = 50;

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int tasks = Integer.parseInt(args[1]);
        int workers = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Path dir = Files.createTempDirectory(args.length > 3 ? Path.of(args[3]) : Path.of("target"), "store-bench-");
        Path workspace = Files.createDirectories(dir.resolve("workspace"));
        EmbeddedPostgres postgres = null;
        String url = null;
        if (kind.equals("postgresql")) {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dir.resolve("pgdata"))
                    // zonky starts the server with -F (fsync off); these later settings override it
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .start();
            url = "postgresql://localhost:" + postgres.getPort() + "/postgres?user=postgres";
        } else if (!kind.equals("files")) {
            throw new IllegalArgumentException("store must be files or postgresql");
        }
        StoreLocation location = StoreLocation.of(workspace, url);
        Clock clock = Clock.systemUTC();
        StoreSettings settings = StoreSettings.defaults();
        try (TaskStore store = TaskStores.open(location, clock, settings);
             TaskStore other = TaskStores.open(location, clock, settings)) {
            long enqueueStart = System.nanoTime();
            List<Task> batch = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                batch.add(Task.grind("bench_" + i).build());
                if (batch.size() == 1000 || i == tasks - 1) {
                    store.add(batch);
                    batch = new ArrayList<>();
                }
            }
            double enqueueSeconds = (System.nanoTime() - enqueueStart) / 1e9;

            GrindEngine engine = new GrindEngine(workspace, GrindSettings.defaults(), null);
            FirstStart first = new FirstStart();
            WorkerPool pool = new WorkerPool(store, engine,
                    WorkerSettings.batch(workers, settings.heartbeatInterval()), clock, first);
            // CPU per task, the JVM's and the server's: on a shared machine the wall time swings with the others' load,
            // the work done per task much less.
            Path pgdata = dir.resolve("pgdata");
            long jvmCpuStart = jvmCpuNanos();
            long serverCpuStart = serverCpuTicks(pgdata);
            long processStart = System.nanoTime();
            pool.start();
            pool.await();
            double processSeconds = (System.nanoTime() - processStart) / 1e9;
            double jvmCpuMs = (jvmCpuNanos() - jvmCpuStart) / 1e6;
            double serverCpuMs = (serverCpuTicks(pgdata) - serverCpuStart) * 1000.0 / CLOCK_TICKS;
            Summary summary = store.summary();
            if (summary.completed() != tasks) {
                throw new IllegalStateException("expected " + tasks + " completed, got " + summary);
            }

            Thread.sleep(2000);
            List<Double> latencies = pickupLatencies(store, other, engine, settings, clock);
            Collections.sort(latencies);
            System.out.println(String.format(Locale.ROOT, "{\"case\":\"vivarium %s\",\"jobs\":%d,\"workers\":%d,"
                            + "\"enqueue_jobs_per_s\":%.0f,\"process_jobs_per_s\":%.0f,\"first_job_after_start_ms\":%.1f,"
                            + "\"latency_p50_ms\":%.2f,\"latency_p99_ms\":%.2f,\"latency_samples\":%d,\"peak_rss_mb\":%d,"
                            + "\"jvm_cpu_ms_per_1000\":%.0f,\"server_cpu_ms_per_1000\":%.0f,\"durable\":true}",
                    kind, tasks, workers, tasks / enqueueSeconds, tasks / processSeconds,
                    (first.nanos - processStart) / 1e6, percentile(latencies, 0.50), percentile(latencies, 0.99),
                    latencies.size(), peakRssMb(), jvmCpuMs * 1000 / tasks,
                    postgres == null ? 0 : serverCpuMs * 1000 / tasks));
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    private static List<Double> pickupLatencies(TaskStore store, TaskStore other, GrindEngine engine,
                                                StoreSettings settings, Clock clock) throws InterruptedException {
        Map<String, Long> started = new ConcurrentHashMap<>();
        PoolListener listener = new PoolListener() {
            @Override
            public void started(Lease lease) {
                started.put(lease.taskId(), System.nanoTime());
            }
        };
        WorkerPool watching = new WorkerPool(store, engine,
                WorkerSettings.batch(2, settings.heartbeatInterval()).watching(), clock, listener);
        watching.start();
        Random random = new Random(42);
        List<Double> latencies = new ArrayList<>();
        try {
            for (int i = 0; i < PROBES; i++) {
                Thread.sleep(random.nextInt(100));
                String id = "probe_" + i;
                other.add(List.of(Task.grind(id).build()));
                long added = System.nanoTime();
                long deadline = added + Duration.ofSeconds(10).toNanos();
                while (!started.containsKey(id) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                Long start = started.get(id);
                if (start != null) {
                    latencies.add((start - added) / 1e6);
                }
            }
        } finally {
            watching.shutdown(Duration.ofSeconds(5));
        }
        return latencies;
    }

    private static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** Linux's USER_HZ, the unit of /proc/PID/stat's CPU times. */
    private static final int CLOCK_TICKS = 100;

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * The CPU time, in clock ticks, of the PostgreSQL server on {@code pgdata}: its postmaster (found by the data
     * directory on its command line) and the processes it started (backends, writers). 0 when there is none.
     */
    private static long serverCpuTicks(Path pgdata) {
        String marker = pgdata.toString();
        java.util.Map<Long, long[]> stats = new java.util.HashMap<>();
        long postmaster = -1;
        try (var procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                try {
                    String stat = Files.readString(proc.resolve("stat"));
                    // Fields after the command's closing parenthesis: state ppid ... utime(14) stime(15).
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(proc.getFileName().toString());
                    stats.put(pid, new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12])});
                    String cmd = new String(Files.readAllBytes(proc.resolve("cmdline"))).replace('\0', ' ');
                    if (cmd.contains("postgres") && cmd.contains(marker) && !cmd.contains("pg_ctl")) {
                        postmaster = pid;
                    }
                } catch (java.io.IOException | RuntimeException gone) {
                    // the process ended while being read
                }
            }
        } catch (java.io.IOException e) {
            return 0;
        }
        long ticks = 0;
        for (var e : stats.entrySet()) {
            if (e.getKey() == postmaster || e.getValue()[0] == postmaster) {
                ticks += e.getValue()[1];
            }
        }
        return ticks;
    }

    private static long peakRssMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    private static final class FirstStart implements PoolListener {
        volatile long nanos;

        @Override
        public void started(Lease lease) {
            if (nanos == 0) {
                nanos = System.nanoTime();
            }
        }
    }
}
