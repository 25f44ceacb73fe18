package io.vivarium.campaign;

import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import io.vivarium.task.Task;
import io.vivarium.task.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Three worker processes over command tasks in a git repository while the user's hand strikes the files at random
 * moments: {@code rm}, {@code git checkout}, {@code git stash} / {@code stash pop}, truncation, an editor's
 * write-and-rename, the original system's format, and the hidden files ({@code task_locks/.journal}, the lease
 * files). After each strike every verb answers (or says what to do in one line), an acknowledged {@code add} is
 * made, and now and then {@code clear} is run on a copy of the struck workspace and must bring it back. At the end:
 * no two runs of a task overlapped (by the wall-clock times the commands write), every acknowledged add that no
 * strike removed is in the queue, every task completed, and no worker printed a stack trace.
 * Run: {@code src/bench/hand-edit-campaign.sh [TASKS] [STRIKES] [SEED]}.
 */
public final class HandEditCampaign {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String HISTORY = "ticks.log";

    record Settings(int tasks, int strikes, long seed, Path workspace) {
    }

    enum Strike { RM, CHECKOUT, STASH, STASH_POP, TRUNCATE, EDITOR, ORIGINAL_FORMAT, RM_JOURNAL, RM_LEASES }

    record Report(Settings settings, Map<Strike, Integer> strikes, int adds, int toldWhatToDo, int clears, int runs,
                  int interrupted, List<String> violations, long millis) {
        boolean passed() {
            return violations.isEmpty();
        }

        String line() {
            return String.format("hand-edit campaign: %s - %d tasks, 3 worker processes, %d strikes %s, %d acknowledged "
                            + "adds, %d verbs that said what to do in one line, %d clears of a struck copy, %d runs (%d "
                            + "stopped part-way), %d violations, %.1f s",
                    passed() ? "PASS" : "FAIL", settings.tasks(), strikes.values().stream().mapToInt(i -> i).sum(),
                    strikes, adds, toldWhatToDo, clears, runs, interrupted, violations.size(), millis / 1000.0);
        }
    }

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int strikes = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : System.nanoTime();
        Path workspace = Files.createTempDirectory(Path.of(System.getProperty("campaign.dir", "target")), "hand-edit-");
        Report report = run(new Settings(tasks, strikes, seed, workspace));
        report.violations().stream().limit(20).forEach(v -> System.out.println("  violation: " + v));
        System.out.println("seed " + seed + ", workspace " + workspace);
        System.out.println(report.line());
        System.exit(report.passed() ? 0 : 1);
    }

    private final Settings s;
    private final Random random;
    private final Path ws;
    private final Path logs;
    private final List<String> violations = new ArrayList<>();
    /** Ids the queue must hold at the end: acknowledged adds, and what the user's last edit of the queue put there. */
    private final Set<String> expected = new LinkedHashSet<>();
    /** Every id that was ever added or put in the queue by a strike. */
    private final Set<String> known = new HashSet<>();
    private final Map<Strike, Integer> struck = new EnumMap<>(Strike.class);
    private int adds;
    private int toldWhatToDo;
    private int clears;
    private boolean stashed;

    private HandEditCampaign(Settings s) throws IOException {
        this.s = s;
        this.random = new Random(s.seed());
        this.ws = s.workspace();
        this.logs = Files.createDirectories(ws.resolve("../" + ws.getFileName() + "-logs").normalize());
    }

    static Report run(Settings s) throws Exception {
        return new HandEditCampaign(s).go();
    }

    private Report go() throws Exception {
        long start = System.nanoTime();
        git("init", "-q");
        Files.writeString(ws.resolve(".gitignore"), HISTORY + "\n");
        List<Task> queue = new ArrayList<>();
        for (int i = 0; i < s.tasks(); i++) {
            queue.add(Task.grind("task_" + i).command(command("task_" + i, 3 + random.nextInt(13)))
                    .maxAttempts(100).maxBudget(1.0).build());
            known.add("task_" + i);
            expected.add("task_" + i);
        }
        try (FileTaskStore store = new FileTaskStore(ws, Clock.systemUTC())) {
            store.add(queue);
        }
        commit();

        String[] common = {"-w", ws.toString(), "--lease", "2", "--backoff", "0"};
        List<CliProcess> workers = new ArrayList<>();
        int started = 0;
        for (int i = 0; i < 3; i++) {
            workers.add(startWorker(started++, common));
        }
        List<Strike> deck = new ArrayList<>();
        for (int k = 0; k < s.strikes(); k++) {
            Thread.sleep(100 + random.nextInt(500));
            if (deck.isEmpty()) {
                // Every kind in each round, in a random order: a short run meets them all.
                deck.addAll(List.of(Strike.values()));
                java.util.Collections.shuffle(deck, random);
            }
            strike(deck.remove(deck.size() - 1));
            everyVerbAnswers(k);
            add(k);
            if (k % 5 == 4) {
                clearACopy(k);
            }
            if (k % 7 == 6) {
                commit();
            }
            for (int w = 0; w < workers.size(); w++) {
                if (!workers.get(w).isAlive()) {
                    checkWorker(workers.get(w));
                    workers.set(w, startWorker(started++, common));
                }
            }
        }
        if (stashed) {
            gitOk("stash", "drop", "-q");
        }
        for (CliProcess worker : workers) {
            worker.waitFor(300);
            checkWorker(worker);
        }
        CliProcess last = CliProcess.start(logs.resolve("final.out"), CrashCampaign.concat(new String[] {"start", "2"},
                common));
        last.waitFor(300);
        checkWorker(last);
        Map<String, List<long[]>> runs = runs();
        audit(runs);
        int total = runs.values().stream().mapToInt(List::size).sum();
        int interrupted = (int) runs.values().stream().flatMap(List::stream).filter(r -> !(r[2] == 1)).count();
        return new Report(s, struck, adds, toldWhatToDo, clears, total, interrupted, violations,
                (System.nanoTime() - start) / 1_000_000);
    }

    // --- the strikes ---

    private void strike(Strike strike) throws Exception {
        struck.merge(strike, 1, Integer::sum);
        Path queue = ws.resolve("queue.json");
        Path log = ws.resolve("execution_log.json");
        switch (strike) {
            case RM -> {
                int which = random.nextInt(3);
                if (which != 1) {
                    Files.deleteIfExists(queue);
                }
                if (which != 0) {
                    Files.deleteIfExists(log);
                }
                userSetQueue(which != 1);
            }
            case CHECKOUT -> {
                boolean both = random.nextBoolean();
                // Refused by git when the last commit holds no such file: then nothing changed.
                if (both) {
                    gitOk("checkout", "queue.json", "execution_log.json");
                } else {
                    gitOk("checkout", "execution_log.json");
                }
                userSetQueue(both);
            }
            case STASH -> {
                if (!stashed && gitOk("stash", "-q")) {
                    stashed = gitOk("rev-parse", "-q", "--verify", "refs/stash");
                }
                userSetQueue(true);
            }
            case STASH_POP -> {
                if (stashed) {
                    // Vivarium has written the files since: a plain pop refuses, as git does for any edited file.
                    if (!gitOk("stash", "pop", "-q")) {
                        if (Files.exists(queue) && Files.readString(queue).contains("<<<<<<<")
                                || Files.exists(log) && Files.readString(log).contains("<<<<<<<")) {
                            // A conflicted pop leaves git's markers in the files: every verb must say so in one
                            // line. Then the user resolves it, here by taking the last commit's files.
                            everyVerbAnswers(-1);
                            gitOk("checkout", "HEAD", "--", "queue.json", "execution_log.json");
                            gitOk("reset", "-q");
                        } else {
                            gitOk("checkout", "queue.json", "execution_log.json");
                            gitOk("stash", "pop", "-q");
                        }
                        gitOk("stash", "drop", "-q");
                    }
                    stashed = false;
                }
                userSetQueue(true);
            }
            case TRUNCATE -> {
                boolean ofQueue = random.nextInt(3) == 0;
                Files.write(ofQueue ? queue : log, new byte[0]);
                userSetQueue(ofQueue);
            }
            case EDITOR -> editorSave(queue);
            case ORIGINAL_FORMAT -> originalFormat(queue, log);
            case RM_JOURNAL -> {
                Set<String> inFiles = idsInQueue();
                Files.deleteIfExists(ws.resolve("task_locks/.journal"));
                // What only the journal held may go with it (a process that held it in memory writes it back).
                expected.retainAll(inFiles);
            }
            case RM_LEASES -> sh("rm -f task_locks/*.lock");
        }
    }

    /** The queue as the user's edit left it is what the workspace must hold from now on. */
    private void userSetQueue(boolean queueChanged) throws IOException {
        if (queueChanged) {
            expected.clear();
            Set<String> ids = idsInQueue();
            expected.addAll(ids);
            known.addAll(ids);
        }
    }

    /** An editor's save: a temp file written beside it and renamed over; one task dropped or its description changed. */
    private void editorSave(Path queue) throws IOException {
        JsonNode tree = readOrNull(queue);
        if (tree == null || !(tree.get("tasks") instanceof ArrayNode tasks) || tasks.isEmpty()) {
            return;
        }
        int i = random.nextInt(tasks.size());
        if (random.nextBoolean()) {
            tasks.remove(i);
        } else {
            ((ObjectNode) tasks.get(i)).put("description", "edited by hand " + random.nextInt(1000));
        }
        Path swap = ws.resolve(".queue.json.swp");
        Files.writeString(swap, tree.toPrettyString());
        Files.move(swap, queue, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        userSetQueue(true);
    }

    /** The original Python system's files: no revision, the old {@code completed} / {@code failed} lists. */
    private void originalFormat(Path queue, Path log) throws IOException {
        JsonNode q = readOrNull(queue);
        JsonNode l = readOrNull(log);
        if (q instanceof ObjectNode qo) {
            qo.remove("revision");
            qo.putArray("completed");
            qo.putArray("failed");
            Files.writeString(queue, qo.toPrettyString());
        }
        if (l instanceof ObjectNode lo) {
            lo.remove("revision");
            for (String field : List.of("spent", "reserved", "spent_by_day", "spend_limit")) {
                lo.remove(field);
            }
            Files.writeString(log, lo.toPrettyString());
        }
        userSetQueue(q != null);
    }

    // --- after each strike ---

    private void everyVerbAnswers(int k) {
        List<String[]> verbs = new ArrayList<>(List.of(new String[] {"status"}, new String[] {"status", "--json"}));
        if (k % 3 == 2) {
            verbs.add(new String[] {"retry", "--failed"});
            verbs.add(new String[] {"start", "1", "--dry-run"});
        }
        for (String[] verb : verbs) {
            answers(CliRun.in(ws, verb), String.join(" ", verb), k);
        }
    }

    /** Exit 0 or 1, or one line on stderr naming what to do; never a stack trace. */
    private boolean answers(CliRun run, String verb, int k) {
        if (run.err().contains("Exception") || run.err().contains("\tat ")) {
            violations.add("strike " + k + ": " + verb + " printed a stack trace: " + run.err());
            return false;
        }
        if (run.exitCode() == 0 || run.exitCode() == 1) {
            return run.exitCode() == 0;
        }
        toldWhatToDo++;
        List<String> errors = run.errLines().stream().filter(l -> !l.startsWith("WARN ")).toList();
        if (run.exitCode() != 2 || errors.size() != 1) {
            violations.add("strike " + k + ": " + verb + " exited " + run.exitCode() + " with " + run.err());
        }
        return false;
    }

    private void add(int k) throws IOException {
        String id = "extra_" + k;
        CliRun run = CliRun.in(ws, "add", id, "grind", "--command", command(id, 2 + random.nextInt(7)), "--max", "1",
                "--max-attempts", "100");
        if (answers(run, "add " + id, k)) {
            adds++;
            expected.add(id);
            known.add(id);
        }
    }

    /** {@code clear} on a copy of the workspace as the strike left it: it works, and the copy is then usable. */
    private void clearACopy(int k) throws IOException {
        Path copy = Files.createTempDirectory(logs, "clear-" + k + "-");
        Files.createDirectories(copy.resolve("task_locks"));
        for (String name : List.of("queue.json", "execution_log.json", "task_locks/.journal")) {
            try {
                Files.copy(ws.resolve(name), copy.resolve(name));
            } catch (java.nio.file.NoSuchFileException e) {
                // removed by the strike: part of what clear must cope with
            }
        }
        CliRun clear = CliRun.in(copy, "clear");
        CliRun status = CliRun.in(copy, "status", "--json");
        CliRun add = CliRun.in(copy, "add", "after_clear", "grind");
        if (clear.exitCode() != 0 || status.exitCode() != 0 || !status.out().contains("\"total_tasks\": 0")
                || add.exitCode() != 0) {
            violations.add("strike " + k + ": clear did not bring a copy back: " + clear.err() + status.err() + add.err());
        }
        clears++;
    }

    // --- the audit ---

    private void audit(Map<String, List<long[]>> runs) throws IOException {
        violations.addAll(WorkspaceAudit.check(ws, Set.of(TaskStatus.COMPLETED), RunHistory.read(ws.resolve("none"))));
        Set<String> ids = idsInQueue();
        for (String id : expected) {
            if (!ids.contains(id)) {
                violations.add("acknowledged " + id + " is missing, and no strike removed it");
            }
        }
        for (String id : ids) {
            if (!known.contains(id)) {
                violations.add("the queue holds " + id + ", which nobody added");
            }
        }
        runs.forEach((id, list) -> {
            for (int i = 0; i < list.size(); i++) {
                for (int j = i + 1; j < list.size(); j++) {
                    long[] a = list.get(i);
                    long[] b = list.get(j);
                    if (a[0] <= b[1] && b[0] <= a[1]) {
                        violations.add("task " + id + ": runs [" + a[0] + ", " + a[1] + "] and [" + b[0] + ", " + b[1]
                                + "] overlapped");
                    }
                }
            }
        });
    }

    /**
     * Each task's runs as {first ms, last ms seen, 1 when it reached its end}. A run stopped part-way is known to have
     * run until its last tick (the commands tick every 0.1 s).
     */
    private Map<String, List<long[]>> runs() throws IOException {
        Map<String, List<long[]>> byTask = new HashMap<>();
        Map<String, long[]> byToken = new HashMap<>();
        Path file = ws.resolve(HISTORY);
        if (!Files.exists(file)) {
            return byTask;
        }
        for (String line : Files.readAllLines(file)) {
            String[] p = line.trim().split(" ");
            if (p.length != 4) {
                violations.add("torn line in " + HISTORY + ": '" + line + "'");
                continue;
            }
            String token = p[1] + "/" + p[2];
            long at = Long.parseLong(p[3]);
            if (p[0].equals("start")) {
                long[] run = {at, at, 0};
                byToken.put(token, run);
                byTask.computeIfAbsent(p[1], x -> new ArrayList<>()).add(run);
            } else if (byToken.containsKey(token)) {
                byToken.get(token)[1] = at;
                if (p[0].equals("end")) {
                    byToken.get(token)[2] = 1;
                }
            }
        }
        return byTask;
    }

    private void checkWorker(CliProcess worker) {
        String out = worker.output();
        int code = worker.process().exitValue();
        List<String> errors = out.lines().filter(l -> l.startsWith("vivarium ")).toList();
        if (code == 2 && errors.size() == 1 && !out.contains("\tat ")
                && (errors.get(0).contains("queue.json") || errors.get(0).contains("execution_log.json"))) {
            // A document git left conflicted while it ran: one line naming it, which is all it may do.
            toldWhatToDo++;
            return;
        }
        if (out.contains("Exception") || out.contains("\tat ") || out.contains("ERROR") || code > 1) {
            violations.add("worker " + worker.outputFile().getFileName() + " exited " + code + ": "
                    + out.lines().filter(l -> !l.isBlank()).limit(8).toList());
        }
    }

    // --- helpers ---

    /** Writes {@code start}, a {@code tick} every 0.1 s, and {@code end}, each with the wall clock in ms. */
    static String command(String id, int ticks) {
        String stamp = " $$ $(date +%s%3N)\" >> " + HISTORY;
        return "echo \"start " + id + stamp + "; i=0; while [ $i -lt " + ticks + " ]; do sleep 0.1; echo \"tick " + id
                + stamp + "; i=$((i+1)); done; echo \"end " + id + stamp;
    }

    private CliProcess startWorker(int n, String[] common) {
        String[] verb = n % 2 == 0 ? new String[] {"start", "2"} : new String[] {"worker", "run"};
        return CliProcess.start(logs.resolve("worker-" + n + ".out"), CrashCampaign.concat(verb, common));
    }

    private Set<String> idsInQueue() {
        Set<String> ids = new LinkedHashSet<>();
        JsonNode tree = readOrNull(ws.resolve("queue.json"));
        if (tree != null && tree.get("tasks") instanceof ArrayNode tasks) {
            tasks.forEach(t -> ids.add(t.path("id").asString()));
        }
        return ids;
    }

    private static JsonNode readOrNull(Path file) {
        try {
            String text = Files.readString(file);
            return text.isBlank() ? null : JSON.readTree(text);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private void commit() throws Exception {
        gitOk("add", "-A", "queue.json", "execution_log.json");
        gitOk("-c", "user.name=campaign", "-c", "user.email=campaign@localhost", "commit", "-q", "-m", "snapshot");
    }

    private void git(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Result r = exec(command);
        if (r.code() != 0) {
            violations.add("git " + String.join(" ", args) + " failed: " + r.output());
        }
    }

    private boolean gitOk(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        return exec(command).code() == 0;
    }

    private void sh(String script) throws Exception {
        exec(List.of("sh", "-c", script));
    }

    private record Result(int code, String output) {
    }

    private Result exec(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(ws.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), out.strip());
    }
}
