package io.vivarium.campaign;

import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliProcess;
import io.vivarium.support.LlmStandIn;
import io.vivarium.task.Task;
import io.vivarium.task.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * Worker processes over one workspace of command tasks while {@code kill -9} strikes at random: a worker, or an
 * admin verb ({@code add}, {@code retry}, {@code plan}) in the middle of its write. Then a last worker finishes the
 * queue and the history and files are audited. Run: {@code src/bench/crash-campaign.sh [TASKS] [KILLS] [SEED]}.
 */
public final class CrashCampaign {

    record Settings(int tasks, int processes, int kills, long seed, Path workspace) {
    }

    record Report(Settings settings, int workerKills, int adminKills, RunHistory history, List<String> violations,
                  long millis) {
        boolean passed() {
            return violations.isEmpty();
        }

        String line() {
            return String.format("crash campaign: %s - %d tasks, %d processes, %d kills (%d workers, %d admin verbs), "
                            + "%d runs (%d interrupted by kills, %d tasks ran to the end more than once: retried, or killed between "
                            + "grind and commit), %d violations, %.1f s",
                    passed() ? "PASS" : "FAIL", settings.tasks(), settings.processes(), workerKills + adminKills,
                    workerKills, adminKills, history.totalRuns(), history.interruptedRuns(),
                    history.tasksRunToTheEndMoreThanOnce(), violations.size(), millis / 1000.0);
        }
    }

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int kills = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : System.nanoTime();
        Path workspace = Files.createTempDirectory(Path.of(System.getProperty("campaign.dir", "target")), "crash-");
        Report report = run(new Settings(tasks, 3, kills, seed, workspace));
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
        List<Task> queue = new ArrayList<>();
        for (int i = 0; i < s.tasks(); i++) {
            queue.add(Task.grind("task_" + i).command(RunHistory.command("task_" + i, random.nextInt(6) * 0.1))
                    .maxAttempts(50).maxBudget(1.0).build());
        }
        new FileTaskStore(ws, Clock.systemUTC()).add(queue);

        try (MockWebServer llm = planningStandIn()) {
            Map<String, String> env = Map.of("TOGETHER_API_KEY", "campaign-key",
                    "VIVARIUM_LLM_BASE_URL", llm.url("/v1").toString(), "VIVARIUM_LLM_MAX_RETRIES", "0");
            String[] workerArgs = {"-w", ws.toString(), "--lease", "1", "--backoff", "0", "--grace", "0"};
            List<CliProcess> workers = new ArrayList<>();
            int started = 0;
            for (int i = 0; i < s.processes(); i++) {
                workers.add(startWorker(logs, env, started++, workerArgs));
            }
            int workerKills = 0;
            int adminKills = 0;
            for (int k = 0; k < s.kills(); k++) {
                Thread.sleep(150 + random.nextInt(700));
                if (k % 4 == 3) {
                    adminKills += killAdminVerb(logs, env, ws, k, random);
                    continue;
                }
                int victim = random.nextInt(workers.size());
                CliProcess process = workers.get(victim);
                if (process.isAlive()) {
                    // Every other worker kill waits for a grind to be running in the victim, so that some kills
                    // land mid-grind whatever the timing; the rest strike at random moments, commits included.
                    if (workerKills % 2 == 0) {
                        awaitGrindRunning(process);
                    }
                    process.signal("KILL");
                    process.process().waitFor(10, TimeUnit.SECONDS);
                    workerKills++;
                }
                workers.set(victim, startWorker(logs, env, started++, workerArgs));
            }
            for (CliProcess worker : workers) {
                worker.waitFor(300);
            }
            CliProcess last = CliProcess.start(logs.resolve("final.out"), env,
                    concat(new String[] {"start", "2"}, workerArgs));
            last.waitFor(300);
            RunHistory history = RunHistory.read(ws.resolve("runs.log"));
            List<String> violations = WorkspaceAudit.check(ws, Set.of(TaskStatus.COMPLETED), history);
            return new Report(s, workerKills, adminKills, history, violations, (System.nanoTime() - start) / 1_000_000);
        }
    }

    /**
     * Waits, up to five seconds, until the worker runs a grind's {@code sleep}: its {@code start} line is written,
     * and the kill, which takes the grind's process group with the worker, leaves the run without its {@code end}.
     */
    private static void awaitGrindRunning(CliProcess worker) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() - deadline < 0 && worker.isAlive()) {
            if (worker.process().descendants().anyMatch(p -> p.info().command()
                    .map(command -> command.endsWith("/sleep")).orElse(false))) {
                return;
            }
            Thread.sleep(5);
        }
    }

    static CliProcess startWorker(Path logs, Map<String, String> env, int n, String[] common) {
        String[] verb = n % 2 == 0 ? new String[] {"start", "2"} : new String[] {"worker", "run"};
        return CliProcess.start(logs.resolve("worker-" + n + ".out"), env, concat(verb, common));
    }

    /** Starts an admin verb and kills it mid-flight: JVM start-up takes ~0.5 s, so the kill lands before, in or after its write. */
    private static int killAdminVerb(Path logs, Map<String, String> env, Path ws, int k, Random random)
            throws InterruptedException {
        String[] verb = switch (k % 3) {
            case 0 -> new String[] {"add", "extra_" + k, "grind", "--command", RunHistory.command("extra_" + k, 0)};
            case 1 -> new String[] {"retry", "task_" + random.nextInt(10)};
            default -> new String[] {"plan", "--no-edit", "--max-tasks", "1"}; // prompt grinds: a workspace inside a git checkout would plan edit grinds the stand-in model does not serve
        };
        CliProcess admin = CliProcess.start(logs.resolve("admin-" + k + ".out"), env,
                concat(verb, new String[] {"-w", ws.toString()}));
        Thread.sleep(300 + random.nextInt(500));
        if (!admin.isAlive()) {
            return 0;
        }
        admin.signal("KILL");
        admin.process().waitFor(10, TimeUnit.SECONDS);
        return 1;
    }

    /** Answers plans with one empty task (so it needs no LLM to run), after a delay that kills can land in. */
    private static MockWebServer planningStandIn() throws IOException {
        MockWebServer server = new MockWebServer();
        int[] n = {0};
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String id = "planned_" + (++n[0]);
                MockResponse answer = LlmStandIn.completion("{\"tasks\": [{\"id\": \"" + id
                        + "\", \"description\": \"campaign task " + id + "\", \"priority\": \"low\"}]}");
                return answer.newBuilder().headersDelay(100, TimeUnit.MILLISECONDS).build();
            }
        });
        server.start();
        return server;
    }

    static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
