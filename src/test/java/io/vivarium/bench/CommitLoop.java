package io.vivarium.bench;

import io.vivarium.store.CommitResult;
import io.vivarium.store.Finish;
import io.vivarium.store.Lease;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Task;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The store's commit alone, without a worker pool's threads: one thread finishes what it holds and claims the next
 * {@code BATCH} in each commit until N tasks are done, on an embedded durable PostgreSQL. Prints the tasks/s and the
 * median commit. With no thread hand-offs in the way it shows what a change to the commit's statements did, at a
 * load where the pool's figures swing with the scheduler. With WAITING > 0, that many tasks ahead of the N in the
 * queue wait behind a task that is claimed first and never finished, as a queue's later stages wait on its first.
 * {@code CommitLoop [N=10000] [BATCH=16] [DIR=target] [WAITING=0]}
 */
public final class CommitLoop {

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        Path dir = Files.createTempDirectory(args.length > 2 ? Path.of(args[2]) : Path.of("target"), "commit-loop-");
        int waiting = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("pgdata"))
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start()) {
            String url = "postgresql://localhost:" + postgres.getPort() + "/postgres?user=postgres";
            try (TaskStore store = TaskStores.open(StoreLocation.of(dir.resolve("workspace"), url),
                    Clock.systemUTC(), StoreSettings.defaults())) {
                List<Task> all = new ArrayList<>();
                if (waiting > 0) {
                    all.add(Task.grind("gate").priority(io.vivarium.task.Priority.HIGH).build());
                    for (int i = 0; i < waiting; i++) {
                        all.add(Task.grind("w" + i).dependsOn(List.of("gate")).build());
                    }
                }
                for (int i = 0; i < tasks; i++) {
                    all.add(Task.grind("t" + i).build());
                }
                store.add(all);
                WorkerIdentity worker = WorkerIdentity.create();
                GrindResult ok = GrindResult.success(0, null, null, null);
                List<Double> commits = new ArrayList<>();
                List<Lease> held = List.of();
                if (waiting > 0) {
                    // The gate, held and never finished: its dependents stay pending, in the way of every claim.
                    store.commit(worker, List.of(), 1);
                }
                int done = 0;
                long start = System.nanoTime();
                while (true) {
                    List<Finish> finished = held.stream().map(l -> Finish.done(l, ok)).toList();
                    long t0 = System.nanoTime();
                    CommitResult result = store.commit(worker, finished, batch);
                    commits.add((System.nanoTime() - t0) / 1e6);
                    done += finished.size();
                    held = result.claimed();
                    if (held.isEmpty()) {
                        break;
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                Collections.sort(commits);
                System.out.printf(Locale.ROOT, "{\"tasks\":%d,\"batch\":%d,\"tasks_per_s\":%.0f,\"commit_p50_ms\":%.2f,"
                        + "\"commits\":%d,\"waiting\":%d}%n", done, batch, done / seconds,
                        commits.get(commits.size() / 2), commits.size(), waiting);
            }
        }
    }
}
