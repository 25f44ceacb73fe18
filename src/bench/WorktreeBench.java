import io.vivarium.code.git.Commits;
import io.vivarium.code.git.Repository;
import io.vivarium.code.git.Worktree;
import io.vivarium.code.git.Worktrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What a worktree adds to a grind, as code grinds do it: create the worktree at HEAD (branch vivarium/ID), commit
 * a one-line change with its stat and patch, remove the worktree. WORKERS threads at once, GRINDS each.
 * Usage (from worktree-bench.sh): java -cp target/classes src/bench/WorktreeBench.java REPO WORKERS GRINDS LABEL
 */
public class WorktreeBench {

    public static void main(String[] args) throws Exception {
        Path repoDir = Path.of(args[0]);
        int workers = Integer.parseInt(args[1]);
        int grinds = Integer.parseInt(args[2]);
        String label = args[3];
        Repository repo = Repository.require(repoDir);
        Worktrees worktrees = new Worktrees(repo);
        String head = repo.head().orElseThrow();
        String file = repo.git().run("ls-files").lines().filter(l -> !l.isBlank()).findFirst().orElseThrow();
        List<long[]> samples = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        long wallStart = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int worker = w;
            done.add(pool.submit(() -> {
                for (int g = 0; g < grinds; g++) {
                    String id = "bench-" + worker + "-" + g;
                    long t0 = System.nanoTime();
                    Worktree tree = worktrees.create(id, head);
                    long t1 = System.nanoTime();
                    try {
                        Files.writeString(tree.path().resolve(file), "changed by " + id + "\n",
                                java.nio.file.StandardOpenOption.APPEND);
                        String commit = Commits.commitAll(tree, Commits.message(id, "bench " + id)).orElseThrow();
                        Commits.stat(tree.git(), head, commit);
                        Commits.patch(tree.git(), head, commit);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    long t2 = System.nanoTime();
                    worktrees.remove(tree);
                    long t3 = System.nanoTime();
                    samples.add(new long[]{t1 - t0, t2 - t1, t3 - t2, t3 - t0});
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double wall = (System.nanoTime() - wallStart) / 1e9;
        pool.shutdown();
        // The branches are the bench's litter, not the user's: gone again.
        for (int w = 0; w < workers; w++) {
            for (int g = 0; g < grinds; g++) {
                repo.git().call("branch", "-q", "-D", "vivarium/bench-" + w + "-" + g);
            }
        }
        String[] names = {"create", "commit+stat+patch", "remove", "total"};
        System.out.printf(Locale.ROOT, "%s: %d grinds, %d workers, %.1f s wall, %.1f grinds/s%n", label,
                samples.size(), workers, wall, samples.size() / wall);
        for (int i = 0; i < names.length; i++) {
            List<Long> v = new ArrayList<>();
            for (long[] s : samples) {
                v.add(s[i]);
            }
            Collections.sort(v);
            System.out.printf(Locale.ROOT, "  %-18s p50 %6.1f ms   p95 %6.1f ms   max %6.1f ms%n", names[i],
                    pct(v, 0.50), pct(v, 0.95), v.get(v.size() - 1) / 1e6);
        }
    }

    private static double pct(List<Long> sorted, double p) {
        int i = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, i)) / 1e6;
    }
}
