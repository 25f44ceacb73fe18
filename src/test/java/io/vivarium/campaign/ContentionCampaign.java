package io.vivarium.campaign;

import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import io.vivarium.support.Http;
import io.vivarium.task.Task;
import io.vivarium.task.TaskStatus;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Everything at once on one workspace: {@code serve} with embedded workers, two {@code start} processes and a
 * {@code worker run}, while this process streams {@code add}, {@code retry} and {@code cancel} from the CLI and over
 * HTTP. No answer may be a 5xx or an internal error, and the audit must find nothing.
 * Run: {@code src/bench/contention-campaign.sh [SECONDS] [SEED]}.
 */
public final class ContentionCampaign {

    record Report(int seconds, int operations, int clientErrors, List<String> violations, RunHistory history, long millis) {
        boolean passed() {
            return violations.isEmpty();
        }

        String line() {
            return String.format("contention campaign: %s - serve + 2 x start + worker run, %d s of %d add/retry/cancel "
                            + "operations (CLI and HTTP, %d refused with a clear 4xx or exit 2), %d runs, %d violations, %.1f s",
                    passed() ? "PASS" : "FAIL", seconds, operations, clientErrors, history.totalRuns(), violations.size(),
                    millis / 1000.0);
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
        Path workspace = Files.createTempDirectory(Path.of(System.getProperty("campaign.dir", "target")), "contention-");
        Report report = run(workspace, seconds, seed);
        report.violations().stream().limit(20).forEach(v -> System.out.println("  violation: " + v));
        System.out.println("seed " + seed + ", workspace " + workspace);
        System.out.println(report.line());
        System.exit(report.passed() ? 0 : 1);
    }

    static Report run(Path ws, int seconds, long seed) throws Exception {
        long begin = System.nanoTime();
        Random random = new Random(seed);
        Path logs = Files.createDirectories(ws.resolve("../" + ws.getFileName() + "-logs").normalize());
        List<Task> initial = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            initial.add(task("task_" + i, random, i > 5 && random.nextInt(4) == 0 ? "task_" + random.nextInt(i) : null));
        }
        new FileTaskStore(ws, Clock.systemUTC()).add(initial);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String[] common = {"-w", ws.toString(), "--lease", "2", "--backoff", "0"};
        CliProcess serve = CliProcess.start(logs.resolve("serve.out"),
                concat(new String[] {"serve", "--port", String.valueOf(port), "--workers", "2"}, common));
        Http http = Http.at(port);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                if (http.get("/actuator/health").status() == 200) {
                    break;
                }
            } catch (RuntimeException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("serve did not start:\n" + serve.output());
                }
            }
            Thread.sleep(100);
        }
        List<CliProcess> workers = new ArrayList<>(List.of(
                CliProcess.start(logs.resolve("start-a.out"), concat(new String[] {"start", "2"}, common)),
                CliProcess.start(logs.resolve("start-b.out"), concat(new String[] {"start", "2"}, common)),
                CliProcess.start(logs.resolve("worker.out"), concat(new String[] {"worker", "run"}, common))));

        List<String> violations = new ArrayList<>();
        int operations = 0;
        int clientErrors = 0;
        int added = 0;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            operations++;
            String target = "task_" + random.nextInt(60);
            int kind = random.nextInt(6);
            if (kind < 2) {
                String id = "added_" + added++;
                if (kind == 0) {
                    CliRun run = CliRun.in(ws, "add", id, "grind", "--command", RunHistory.command(id, 0.05));
                    clientErrors += check("CLI add " + id, run, violations);
                } else {
                    Http.Response r = http.post("/tasks", "{\"id\": \"" + id + "\", \"command\": \""
                            + RunHistory.command(id, 0.05).replace("\"", "\\\"") + "\", \"depends_on\": [\"" + target + "\"]}");
                    clientErrors += check("POST /tasks " + id, r, violations);
                }
            } else if (kind == 2) {
                clientErrors += check("CLI retry " + target, CliRun.in(ws, "retry", target), violations);
            } else if (kind == 3) {
                clientErrors += check("POST retry " + target, http.post("/tasks/" + target + "/retry", null), violations);
            } else if (kind == 4) {
                clientErrors += check("CLI cancel " + target, CliRun.in(ws, "cancel", target), violations);
            } else {
                clientErrors += check("POST cancel " + target, http.post("/tasks/" + target + "/cancel", null), violations);
            }
            Http.Response status = http.get("/status");
            if (status.status() != 200) {
                violations.add("GET /status answered " + status.status() + ": " + status.body());
            }
            Thread.sleep(random.nextInt(60));
        }
        for (CliProcess worker : workers) {
            int code = worker.waitFor(300);
            if (code != 0 && code != 1 || worker.output().contains("internal error")) {
                violations.add("worker process exited " + code + ": " + tail(worker.output()));
            }
        }
        long settle = System.nanoTime() + 120_000_000_000L;
        boolean settled = false;
        while (!settled && System.nanoTime() < settle) {
            var s = http.get("/status").json();
            settled = s.get("pending").asInt() == 0 && s.get("in_progress").asInt() == 0;
            Thread.sleep(200);
        }
        if (!settled) {
            Path dump = logs.resolve("serve-threads.txt");
            new ProcessBuilder("jstack", String.valueOf(serve.process().pid()))
                    .redirectErrorStream(true).redirectOutput(dump.toFile()).start().waitFor();
            StringBuilder claims = new StringBuilder();
            try (var files = Files.list(ws.resolve("task_locks"))) {
                for (Path f : files.toList()) {
                    claims.append(f.getFileName()).append(" = ").append(Files.readString(f).strip()).append("; ");
                }
            }
            violations.add("pending at the stall: " + http.get("/tasks?status=pending").body());
            violations.add("claim files at the stall: " + claims);
            violations.add("the queue did not settle within 120 s; serve's threads are in " + dump
                    + ", its log in " + serve.outputFile() + ", claims: " + http.get("/status").body());
        }
        serve.process().destroy();
        serve.waitFor(60);
        if (serve.output().contains("ERROR")) {
            violations.add("serve logged an error: " + tail(serve.output()));
        }
        RunHistory history = RunHistory.read(ws.resolve("runs.log"));
        violations.addAll(WorkspaceAudit.check(ws, Set.of(TaskStatus.COMPLETED, TaskStatus.FAILED,
                TaskStatus.CANCELLED, TaskStatus.BLOCKED), history));
        return new Report(seconds, operations, clientErrors, violations, history, (System.nanoTime() - begin) / 1_000_000);
    }

    private static Task task(String id, Random random, String dependsOn) {
        String command = RunHistory.command(id, random.nextInt(3) * 0.1) + (random.nextInt(5) == 0 ? "; false" : "");
        return Task.grind(id).command(command).maxAttempts(2).maxBudget(1.0)
                .dependsOn(dependsOn == null ? List.of() : List.of(dependsOn)).build();
    }

    /** 1 for a clear refusal, 0 for success; anything else is a violation. */
    private static int check(String what, CliRun run, List<String> violations) {
        if (run.exitCode() == 0) {
            return 0;
        }
        if (run.exitCode() == 2 && run.errLines().size() == 1 && !run.err().contains("internal error")) {
            return 1;
        }
        violations.add(what + " exited " + run.exitCode() + ": " + run.err());
        return 0;
    }

    private static int check(String what, Http.Response r, List<String> violations) {
        if (r.status() < 300) {
            return 0;
        }
        if (r.status() < 500 && r.contentType().startsWith("application/problem+json")) {
            return 1;
        }
        violations.add(what + " answered " + r.status() + ": " + r.body());
        return 0;
    }

    private static String tail(String text) {
        return text.length() > 600 ? text.substring(text.length() - 600) : text;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
