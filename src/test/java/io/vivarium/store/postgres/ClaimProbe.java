package io.vivarium.store.postgres;

import io.vivarium.store.CommitResult;
import io.vivarium.store.Finish;
import io.vivarium.store.Lease;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Task;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a PostgreSQL claim spends its time, for issue 22 (not a test: run by hand). On an embedded, durable server
 * with {@code log_statement=all}: the plan of the claim query ({@code EXPLAIN (ANALYZE, BUFFERS)}) on 10,000 free
 * tasks and on 10,000 where half wait behind a dependency; the statements (round trips) of a claim-only commit, a
 * finish-and-claim commit and a finish-only commit, counted in the server's log; and the pickup path's parts, each
 * timed 30 times: another instance's add, the NOTIFY reaching this instance's {@code awaitChange}, the claim commit.
 *
 * <p>{@code java -cp target/test-classes:target/classes:<test classpath> io.vivarium.store.postgres.ClaimProbe [DIR]}
 */
public final class ClaimProbe {

    private static final int TASKS = 10_000;
    private static final Pattern STATEMENT =
            Pattern.compile("LOG:  duration: ([0-9.]+) ms  (?:execute [^:]*|statement): (.*)");

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory(args.length > 0 ? Path.of(args[0]) : Path.of("target"), "claim-probe-");
        Path log = dir.resolve("postgres.log");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("pgdata"))
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("log_min_duration_statement", "0")
                .setServerConfig("log_line_prefix", "%m|%p|")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start()) {
            explain(postgres, dir, "free", i -> Task.grind("t" + i).build());
            explain(postgres, dir, "half waiting", i -> i < TASKS / 2
                    ? Task.grind("w" + i).dependsOn(List.of("root")).build() : Task.grind("t" + i).build());
            roundTrips(postgres, dir, log);
            pickup(postgres, dir);
        }
    }

    /** The claim query's plan on a queue of 10,000 made by {@code task} (after a root task, claimed first). */
    private static void explain(EmbeddedPostgres postgres, Path dir, String name,
                                java.util.function.IntFunction<Task> task) throws Exception {
        String db = database(postgres, "explain_" + name.replace(' ', '_'));
        try (TaskStore store = open(postgres, dir, db)) {
            store.add(List.of(Task.grind("root").priority(io.vivarium.task.Priority.HIGH).build()));
            List<Task> batch = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                batch.add(task.apply(i));
            }
            store.add(batch);
            store.commit(WorkerIdentity.create(), List.of(), 1);
        }
        try (Connection c = postgres.getDatabase("postgres", db).getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + Claiming.PICK)) {
                ps.setObject(1, OffsetDateTime.now(ZoneOffset.UTC));
                ps.setInt(2, 16);
                System.out.println("\n== EXPLAIN (ANALYZE, BUFFERS) of the claim, LIMIT 16, " + name + " ==");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        System.out.println(rs.getString(1));
                    }
                }
            }
            c.rollback();
        }
    }

    /** Statements per commit, as the server's log lists them. */
    private static void roundTrips(EmbeddedPostgres postgres, Path dir, Path log) throws Exception {
        String db = database(postgres, "round_trips");
        WorkerIdentity worker = WorkerIdentity.create();
        try (TaskStore store = open(postgres, dir, db)) {
            List<Task> batch = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                batch.add(Task.grind("t" + i).build());
            }
            store.add(batch);
            // Warm: the session, the pool, the driver's prepared statements (prepareThreshold is 5).
            List<Lease> held = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                held = finishAndClaim(store, worker, held, 8).claimed();
            }
            finishAndClaim(store, worker, held, 0);
            held = counted(log, "claim 8, finish none", () -> finishAndClaim(store, worker, List.of(), 8)).claimed();
            List<Lease> first = held;
            held = counted(log, "finish 8, claim 8", () -> finishAndClaim(store, worker, first, 8)).claimed();
            List<Lease> last = held;
            counted(log, "finish 8, claim none", () -> finishAndClaim(store, worker, last, 0));
        }
    }

    private static CommitResult finishAndClaim(TaskStore store, WorkerIdentity worker, List<Lease> done, int claim) {
        List<Finish> finished = done.stream()
                .map(l -> Finish.done(l, GrindResult.success(0, null, null, null))).toList();
        return store.commit(worker, finished, claim);
    }

    private static <T> T counted(Path log, String what, Supplier<T> work) throws IOException, InterruptedException {
        long before = Files.readAllLines(log).size();
        long start = System.nanoTime();
        T result = work.get();
        double clientMillis = (System.nanoTime() - start) / 1e6;
        Thread.sleep(200);
        List<String> lines = Files.readAllLines(log);
        Map<String, Integer> byKind = new TreeMap<>();
        int statements = 0;
        double serverMillis = 0;
        System.out.println("\n== statements of one commit: " + what + " ==");
        for (String line : lines.subList((int) before, lines.size())) {
            int at = line.indexOf("LOG:  ");
            // One line per statement run: "duration: 0.05 ms  execute <name>: SQL" (parse and bind lines skipped).
            Matcher m = STATEMENT.matcher(line);
            if (at < 0 || !m.find()) {
                continue;
            }
            statements++;
            serverMillis += Double.parseDouble(m.group(1));
            String sql = m.group(2).strip();
            System.out.println("  " + (sql.length() > 110 ? sql.substring(0, 110) + "…" : sql));
            byKind.merge(sql.split("\\s+")[0], 1, Integer::sum);
        }
        System.out.printf(Locale.ROOT, "  -> %d statements %s; %.2f ms in the server, %.2f ms at the client%n",
                statements, byKind, serverMillis, clientMillis);
        return result;
    }

    /** The pickup path in parts: add (another instance), NOTIFY heard by awaitChange, claim commit. */
    private static void pickup(EmbeddedPostgres postgres, Path dir) throws Exception {
        String db = database(postgres, "pickup");
        WorkerIdentity worker = WorkerIdentity.create();
        List<Double> adds = new ArrayList<>();
        List<Double> heard = new ArrayList<>();
        List<Double> claims = new ArrayList<>();
        List<Double> totals = new ArrayList<>();
        try (TaskStore store = open(postgres, dir, db); TaskStore other = open(postgres, dir, db)) {
            long seen = store.commit(worker, List.of(), 0).version();
            for (int i = 0; i < 40; i++) {
                long before = System.nanoTime();
                other.add(List.of(Task.grind("p" + i).build()));
                long added = System.nanoTime();
                long now = store.awaitChange(seen, java.time.Duration.ofSeconds(5));
                long woke = System.nanoTime();
                CommitResult result = store.commit(worker, List.of(), 1);
                long claimed = System.nanoTime();
                if (result.claimed().size() != 1) {
                    throw new IllegalStateException("claimed " + result.claimed().size() + " after version " + now);
                }
                store.commit(worker, List.of(Finish.done(result.claimed().get(0),
                        GrindResult.success(0, null, null, null))), 0);
                seen = store.version();
                if (i >= 10) {
                    adds.add((added - before) / 1e6);
                    heard.add((woke - added) / 1e6);
                    claims.add((claimed - woke) / 1e6);
                    totals.add((claimed - added) / 1e6);
                }
                Thread.sleep(20);
            }
        }
        List<Double> bare = new ArrayList<>();
        try (Connection c = postgres.getDatabase("postgres", db).getConnection(); Statement s = c.createStatement()) {
            for (int i = 0; i < 40; i++) {
                long start = System.nanoTime();
                s.executeUpdate("UPDATE vivarium_state SET version = version");
                if (i >= 10) {
                    bare.add((System.nanoTime() - start) / 1e6);
                }
            }
        }
        System.out.println("\n== pickup path, medians of 30 (ms) ==");
        System.out.printf(Locale.ROOT, "  one-statement durable commit (the disk's flush): %.2f%n", median(bare));
        System.out.printf(Locale.ROOT, "  add (other instance, durable commit): %.2f%n", median(adds));
        System.out.printf(Locale.ROOT, "  add returned -> awaitChange returned (NOTIFY): %.2f%n", median(heard));
        System.out.printf(Locale.ROOT, "  claim commit (durable): %.2f%n", median(claims));
        System.out.printf(Locale.ROOT, "  add returned -> claimed: %.2f%n", median(totals));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static String database(EmbeddedPostgres postgres, String name) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    private static TaskStore open(EmbeddedPostgres postgres, Path dir, String db) {
        String url = "postgresql://localhost:" + postgres.getPort() + "/" + db + "?user=postgres";
        return PostgresTaskStore.open(StoreLocation.of(dir.resolve("workspace"), url), Clock.systemUTC(),
                StoreSettings.defaults());
    }
}
