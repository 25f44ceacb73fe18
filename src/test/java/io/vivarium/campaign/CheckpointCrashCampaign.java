package io.vivarium.campaign;

import io.vivarium.campaign.CheckpointWatch.Kind;
import io.vivarium.campaign.CheckpointWatch.Temp;
import io.vivarium.store.Finish;
import io.vivarium.store.Lease;
import io.vivarium.store.Snapshot;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import io.vivarium.support.PostgresServer;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Priority;
import io.vivarium.task.Task;
import io.vivarium.task.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The crash campaign with kills timed inside checkpoints. Two worker processes work a queue of thousands of command
 * tasks, so that a checkpoint (the whole {@code execution_log.json}, and {@code queue.json} after an add, written to
 * temp files, fsynced, renamed under the lock, then the journal replaced) takes tens of milliseconds. The campaign
 * watches the workspace every millisecond or so for the checkpoints' temp files ({@link CheckpointWatch}) and
 * {@code kill -9}s the process writing them: while it writes them, as the journal's temp file appears (the install),
 * or as soon as its temp file is renamed. Mixed in: kills at random moments, and {@code add}, {@code cancel} and
 * {@code retry} run as processes and killed inside the checkpoint they make before exiting, or at a random moment.
 *
 * <p>After every kill: both files parse, the journal holds whole lines (a torn last line without its newline aside)
 * with no seq missing, and a fresh reader sees every committed change ({@link CommittedChanges}); every few kills a
 * fresh {@code status --json} agrees. Leftover temp files of dead writers are made torn, so that reading one cannot
 * pass unnoticed. At the end a last {@code start 2} finishes the queue, and: the crash campaign's audit, no completed
 * task run again, the journal empty past its base, {@code status --json} equal to the log's summary, and the
 * workspace copied into PostgreSQL ({@code import}) and back into an empty one ({@code export}) equal to the files.
 * Run: {@code src/bench/checkpoint-crash-campaign.sh [TASKS] [KILLS] [SEED]}.
 */
public final class CheckpointCrashCampaign {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String[] WORKER_ARGS = {"--lease", "1", "--backoff", "0", "--grace", "0"};

    record Settings(int tasks, int kills, long seed, Path workspace) {
    }

    /** When a kill is timed to land. */
    enum Timing {
        /** A few milliseconds after the victim's checkpoint temp file appears: writing it, or waiting for the lock. */
        WRITING,
        /** As the journal's temp file appears: between the renames and the journal's restart, under the lock. */
        INSTALLING,
        /** As soon as the victim's temp file is renamed into place. */
        RENAMED,
        AT_RANDOM
    }

    /** One kill, and where it landed: the victim's temp files still there once it was dead. */
    record Kill(String victim, boolean adminVerb, Timing timing, List<Temp> leftovers, boolean headerNamedReplacedFiles) {
        boolean inCheckpoint() {
            return leftovers.stream().anyMatch(t -> t.kind != Kind.JOURNAL);
        }

        boolean inInstall() {
            return leftovers.stream().anyMatch(t -> t.kind == Kind.JOURNAL);
        }

        boolean had(Kind kind) {
            return leftovers.stream().anyMatch(t -> t.kind == kind);
        }

        boolean insideACheckpoint() {
            return !leftovers.isEmpty() || headerNamedReplacedFiles;
        }
    }

    /** What the files and the checkpoints looked like: sizes at the end, and how long temp files lived. */
    record Scale(long queueBytes, long logBytes, String logTempLife, String queueTempLife, String journalTempLife) {
    }

    record Report(Settings settings, int tasksAdded, Scale scale, List<Kill> kills, int looks, int statusChecks,
                  int committed, int committedByKilledVerbs, int tornJournalTails, int leftoverTemps,
                  RunHistory history, List<String> violations, long millis) {

        boolean passed() {
            return violations.isEmpty();
        }

        long count(java.util.function.Predicate<Kill> which) {
            return kills.stream().filter(which).count();
        }

        String line() {
            return String.format("checkpoint crash campaign: %s - %d tasks (+%d added; at the end queue.json %.1f MB, "
                            + "execution_log.json %.1f MB; temp files lived, median/p90: the log's %s, the queue's %s, "
                            + "the journal's %s), %d kills (%d workers, %d admin verbs; %d timed into checkpoints, %d "
                            + "at random): %d landed inside a checkpoint - %d while a checkpoint temp file existed (%d "
                            + "the queue's, %d the log's), %d during the install (journal temp present), %d between "
                            + "the renames and the journal's restart (header naming replaced files); %d fresh-reader "
                            + "audits found all %d committed user intents in place (%d by verbs killed inside their "
                            + "checkpoint), %d status --json, %d torn journal tails, %d leftover temp files (torn on "
                            + "purpose, never read), %d runs (%d interrupted), %d violations, %.1f s",
                    passed() ? "PASS" : "FAIL", settings.tasks(), tasksAdded, scale.queueBytes() / 1e6,
                    scale.logBytes() / 1e6, scale.logTempLife(), scale.queueTempLife(), scale.journalTempLife(),
                    kills.size(), count(k -> !k.adminVerb()), count(Kill::adminVerb),
                    count(k -> k.timing() != Timing.AT_RANDOM), count(k -> k.timing() == Timing.AT_RANDOM),
                    count(Kill::insideACheckpoint), count(Kill::inCheckpoint), count(k -> k.had(Kind.QUEUE)),
                    count(k -> k.had(Kind.LOG)), count(Kill::inInstall), count(Kill::headerNamedReplacedFiles), looks,
                    committed, committedByKilledVerbs, statusChecks, tornJournalTails, leftoverTemps,
                    history.totalRuns(), history.interruptedRuns(), violations.size(), millis / 1000.0);
        }
    }

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
        int kills = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : System.nanoTime();
        Path workspace = Files.createTempDirectory(Path.of(System.getProperty("campaign.dir", "target")),
                "checkpoint-crash-");
        Report report = run(new Settings(tasks, kills, seed, workspace));
        report.violations().stream().limit(20).forEach(v -> System.out.println("  violation: " + v));
        System.out.println("seed " + seed + ", workspace " + workspace);
        System.out.println(report.line());
        System.exit(report.passed() ? 0 : 1);
    }

    static Report run(Settings s) throws Exception {
        return new CheckpointCrashCampaign(s).run();
    }

    private final Settings settings;
    private final Random random;
    private final Path ws;
    private final Path logs;
    private final CheckpointWatch watch;
    private final CommittedChanges changes;
    private final List<String> violations = new ArrayList<>();
    private final List<Kill> kills = new ArrayList<>();
    private final List<CliProcess> workers = new ArrayList<>();
    private final List<String> victims = new ArrayList<>();
    private final List<String> cancelled = new ArrayList<>();
    private CliProcess admin;
    private int workersStarted;
    private int tasksAdded;
    private int committedByKilledVerbs;
    private int statusChecks;
    private int tornJournalTails;
    private boolean headerNamedTheFiles;
    private String firedBecause = "";

    private CheckpointCrashCampaign(Settings settings) throws IOException {
        this.settings = settings;
        this.random = new Random(settings.seed());
        this.ws = settings.workspace();
        this.logs = Files.createDirectories(ws.resolve("../" + ws.getFileName() + "-logs").normalize());
        this.watch = new CheckpointWatch(ws);
        this.changes = new CommittedChanges(ws);
    }

    private Report run() throws Exception {
        long start = System.nanoTime();
        prepareQueue();
        changes.look("at the start");
        for (int i = 0; i < 2; i++) {
            workers.add(startWorker());
        }
        for (int k = 0; k < settings.kills(); k++) {
            keepBusy();
            firedBecause = "";
            // Live writers repair a stale header and never leave one: if it goes stale during the strike, the kill did it.
            headerNamedTheFiles = WorkspaceAudit.headerNamesTheFiles(ws);
            int kind = random.nextInt(10);
            String when;
            if (kind < 4) {
                when = strikeWorker(k, timedInside());
            } else if (kind < 6) {
                when = strikeWorker(k, Timing.AT_RANDOM);
            } else {
                when = strikeAdminVerb(k);
            }
            System.out.printf("%6.1f s  %s%n", (System.nanoTime() - start) / 1e9, when);
            audit(k, when);
        }
        return finish(start);
    }

    /**
     * Seven eighths of the queue completed at once in this process, so that the log a checkpoint writes is large
     * from the first kill (an entry per task that ran); their commands would note a run in {@code done-again.log}, which
     * must stay empty. Then command tasks for the workers, and last, at low priority, the targets of cancels.
     */
    private void prepareQueue() {
        int done = settings.tasks() * 7 / 8;
        int victimCount = Math.max(10, settings.tasks() / 50);
        List<Task> queue = new ArrayList<>();
        for (int i = 0; i < done; i++) {
            queue.add(Task.grind("done_" + i).command("echo \"rerun done_" + i + " $$\" >> done-again.log")
                    .priority(Priority.HIGH).build());
        }
        for (int i = 0; i < settings.tasks() - done - victimCount; i++) {
            queue.add(task("task_" + i, Priority.MEDIUM));
        }
        for (int i = 0; i < victimCount; i++) {
            victims.add("victim_" + i);
            queue.add(task("victim_" + i, Priority.LOW));
        }
        WorkerIdentity me = WorkerIdentity.create();
        try (FileTaskStore store = new FileTaskStore(ws, Clock.systemUTC())) {
            store.add(queue);
            List<Finish> finished = List.of();
            for (int left = done; left > 0 || !finished.isEmpty(); ) {
                List<Lease> claimed = store.commit(me, finished, Math.min(500, left)).claimed();
                left -= claimed.size();
                finished = claimed.stream()
                        .map(lease -> Finish.done(lease, GrindResult.success(0.05, "done before the campaign", 0, "")))
                        .toList();
            }
        }
    }

    // --- the strikes ---

    /** Kills a worker inside one of its checkpoints, or at a random moment; a fresh worker takes its place. */
    private String strikeWorker(int k, Timing timing) throws Exception {
        CliProcess victim;
        Timing landed = timing;
        if (timing == Timing.AT_RANDOM) {
            Thread.sleep(100 + random.nextInt(800));
            victim = workers.get(random.nextInt(workers.size()));
            if (!victim.isAlive()) {
                return "strike " + k + ": no worker alive to kill";
            }
            kill(victim);
        } else {
            victim = killInCheckpoint(workers, timing, 5_000);
            if (victim == null) {
                // No checkpoint within the wait (the queue ran dry, say): a kill at a random moment instead.
                landed = Timing.AT_RANDOM;
                firedBecause = " (no checkpoint came)";
                victim = workers.get(random.nextInt(workers.size()));
                if (!victim.isAlive()) {
                    return "strike " + k + ": no worker alive to kill";
                }
                kill(victim);
            }
        }
        Kill kill = afterDeath(victim, "a worker", false, landed);
        workers.set(workers.indexOf(victim), startWorker());
        return "kill " + kills.size() + " (" + describe(kill) + ")";
    }

    /**
     * Runs {@code add}, {@code cancel} or {@code retry} as a process and kills it inside the checkpoint it makes once
     * its change is committed, or at a random moment. A verb seen writing a checkpoint had committed its change, so a
     * fresh reader must see it; so must one that exited 0.
     */
    private String strikeAdminVerb(int k) throws Exception {
        String id;
        String[] verb;
        boolean retry = false;
        Set<TaskStatus> ifCommitted;
        int which = random.nextInt(10);
        if (which < 4) {
            id = "extra_" + k;
            verb = new String[] {"add", id, "grind", "--command", RunHistory.command(id, 0.02), "--max-attempts", "50"};
            ifCommitted = EnumSet.allOf(TaskStatus.class);
        } else if (which < 7 || cancelled.isEmpty()) {
            id = victims.get(random.nextInt(victims.size()));
            verb = new String[] {"cancel", id};
            ifCommitted = EnumSet.of(TaskStatus.CANCELLED);
            cancelled.add(id);
        } else {
            id = cancelled.get(random.nextInt(cancelled.size()));
            verb = new String[] {"retry", id};
            retry = true;
            ifCommitted = EnumSet.complementOf(EnumSet.of(TaskStatus.CANCELLED));
        }
        changes.issued(id, retry);
        String[] args = CrashCampaign.concat(verb, new String[] {"-w", ws.toString()});
        admin = CliProcess.start(logs.resolve("admin-" + k + ".out"), args);
        Timing timing = random.nextInt(4) == 0 ? Timing.AT_RANDOM : timedInside();
        boolean committed;
        CliProcess victim;
        if (timing == Timing.AT_RANDOM) {
            admin.process().waitFor(300 + random.nextInt(1200), TimeUnit.MILLISECONDS);
            victim = admin.isAlive() ? admin : null;
            if (victim != null) {
                kill(victim);
            }
            committed = false;
        } else {
            victim = killInCheckpoint(List.of(admin), timing, 20_000);
            committed = victim != null;
        }
        String what = "`" + String.join(" ", verb).replaceAll(" --command .*", "") + "`";
        if (victim == null) {
            int code = admin.waitFor(60);
            if (code == 0) {
                changes.committed(id, ifCommitted, what + " (exit 0)");
            } else if (code != 2 || admin.output().contains(".tmp")) {
                violations.add(what + " exited " + code + ": " + admin.output().strip());
            }
            return "strike " + k + ": " + what + " finished with exit " + code;
        }
        Kill kill = afterDeath(admin, what, true, timing);
        if (committed) {
            changes.committed(id, ifCommitted, what + " (killed in its checkpoint)");
            committedByKilledVerbs++;
        }
        return "kill " + kills.size() + " (" + describe(kill) + ")";
    }

    /** Half the timed kills while the temp files are written, the rest in the install or just after the renames. */
    private Timing timedInside() {
        int r = random.nextInt(10);
        return r < 5 ? Timing.WRITING : r < 8 ? Timing.INSTALLING : Timing.RENAMED;
    }

    /**
     * Waits for a checkpoint temp file written by one of {@code targets} and kills its writer at the moment
     * {@code timing} names. Null when none of them wrote one within {@code timeoutMillis}, or they ended first.
     */
    private CliProcess killInCheckpoint(List<CliProcess> targets, Timing timing, long timeoutMillis) {
        firedBecause = "";
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Temp armed = null;
        CliProcess target = null;
        long fireAt = 0;
        long armedAt = 0;
        while (System.nanoTime() < deadline) {
            if (armed == null) {
                if (targets.stream().noneMatch(CliProcess::isAlive)) {
                    return null;
                }
                for (Temp temp : watch.poll(livePids(), true)) {
                    CliProcess writer = targets.stream()
                            .filter(p -> p.process().pid() == temp.writer && p.isAlive()).findFirst().orElse(null);
                    if (writer != null && temp.kind != Kind.JOURNAL) {
                        armed = temp;
                        armedAt = System.nanoTime();
                        target = writer;
                        fireAt = System.nanoTime() + random.nextInt(6_000_000);
                        break;
                    }
                }
                if (armed == null) {
                    LockSupport.parkNanos(1_000_000);
                }
                continue;
            }
            if (!target.isAlive()) {
                return null;
            }
            boolean fire = switch (timing) {
                case WRITING -> System.nanoTime() >= fireAt;
                case RENAMED -> !armed.exists();
                case INSTALLING -> {
                    // The victim renamed its temp file (so it holds the lock) and the journal's temp file is there.
                    boolean journalTemp = watch.poll(List.of(), false).stream().anyMatch(t -> t.kind == Kind.JOURNAL)
                            || watch.present().stream().anyMatch(t -> t.kind == Kind.JOURNAL);
                    if (journalTemp && !armed.exists()) {
                        firedBecause = ", as the journal's temp file appeared";
                        yield true;
                    }
                    firedBecause = ", no install within 3 s";
                    yield System.nanoTime() - armedAt > 3_000_000_000L;
                }
                case AT_RANDOM -> true;
            };
            if (fire) {
                firedBecause += String.format(" (%.1f ms after its temp file appeared)", (System.nanoTime() - armedAt) / 1e6);
                kill(target);
                return target;
            }
            if (timing == Timing.INSTALLING) {
                // The install lasts a few milliseconds: look without pause until it comes.
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(200_000);
            }
        }
        return null;
    }

    private static void kill(CliProcess process) {
        process.process().destroyForcibly();
        try {
            if (!process.process().waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a process survived kill -9: " + process.process().pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Where the kill landed: the victim's temp files left behind, and whether the journal's header went stale. */
    private Kill afterDeath(CliProcess victim, String what, boolean adminVerb, Timing timing) throws Exception {
        List<Temp> left = watch.leftoversOf(victim.process().pid(), livePids(), 300);
        for (Temp temp : left) {
            // Pinned on the victim by its open descriptor: certainly a dead writer's, safe to tear.
            if (temp.writer == victim.process().pid()) {
                CheckpointWatch.poison(temp.path);
            }
        }
        boolean stale = headerNamedTheFiles && !WorkspaceAudit.headerNamesTheFiles(ws);
        Kill kill = new Kill(what, adminVerb, timing, left, stale);
        kills.add(kill);
        return kill;
    }

    private String describe(Kill kill) {
        return kill.victim() + ", " + kill.timing().name().toLowerCase() + firedBecause + (kill.leftovers().isEmpty() ? ""
                : ", left " + kill.leftovers()) + (kill.headerNamedReplacedFiles() ? ", header stale" : "");
    }

    // --- the audit after every strike ---

    private void audit(int k, String when) throws Exception {
        WorkspaceAudit.Journal journal = WorkspaceAudit.journal(ws, violations);
        if (journal.tornTail()) {
            tornJournalTails++;
        }
        changes.look(when);
        if (k % 5 == 4) {
            checkStatus(when);
        }
    }

    private JsonNode checkStatus(String when) throws Exception {
        statusChecks++;
        CliProcess status = CliProcess.start(logs.resolve("status-" + statusChecks + ".out"),
                "status", "--json", "-w", ws.toString());
        int code = status.waitFor(120);
        JsonNode summary = code == 0 ? jsonAtEnd(status.output()) : null;
        if (code != 0) {
            violations.add(when + ": status --json exited " + code + ": " + status.output().strip());
        }
        changes.checkStatus(summary, when);
        return summary;
    }

    // --- keeping the workers busy ---

    /** Restarts workers that finished on their own, after topping the queue up when it runs low. */
    private void keepBusy() throws IOException {
        Snapshot seen = changes.last();
        long open = seen.tasks().stream().filter(t -> {
            TaskStatus status = seen.statusOf(t.id());
            return status == TaskStatus.PENDING || status == TaskStatus.IN_PROGRESS;
        }).count();
        if (open < Math.max(30, settings.tasks() / 20)) {
            List<Task> more = new ArrayList<>();
            for (int i = 0; i < Math.max(60, settings.tasks() / 10); i++) {
                more.add(task("more_" + (tasksAdded + i), Priority.MEDIUM));
            }
            try (FileTaskStore store = new FileTaskStore(ws, Clock.systemUTC())) {
                store.add(more);
            }
            tasksAdded += more.size();
        }
        for (int i = 0; i < workers.size(); i++) {
            CliProcess worker = workers.get(i);
            if (!worker.isAlive()) {
                checkWorkerExit(worker);
                workers.set(i, startWorker());
            }
        }
    }

    /** A worker that ends on its own exits 0 or 1 (some task did not complete); anything else is a fault. */
    private void checkWorkerExit(CliProcess worker) {
        int code = worker.process().exitValue();
        if (code != 0 && code != 1) {
            violations.add("a worker exited " + code + ": " + tail(worker.output()));
        }
    }

    private CliProcess startWorker() {
        return CrashCampaign.startWorker(logs, Map.of(), workersStarted++,
                CrashCampaign.concat(new String[] {"-w", ws.toString()}, WORKER_ARGS));
    }

    /** The processes that may be writing: the workers and the admin verb of the moment. */
    private List<Long> livePids() {
        List<Long> pids = new ArrayList<>();
        workers.stream().filter(CliProcess::isAlive).forEach(p -> pids.add(p.process().pid()));
        if (admin != null && admin.isAlive()) {
            pids.add(0, admin.process().pid());
        }
        return pids;
    }

    // --- the end ---

    private Report finish(long start) throws Exception {
        System.out.printf("%6.1f s  the strikes are over; the workers finish the queue%n", (System.nanoTime() - start) / 1e9);
        for (CliProcess worker : workers) {
            worker.waitFor(900);
            checkWorkerExit(worker);
        }
        Snapshot drained = changes.look("once the workers stopped");
        // They went idle, then stopped: the files caught up with the journal as they did.
        WorkspaceAudit.Journal journal = WorkspaceAudit.journal(ws, violations);
        if (journal.records() > 0) {
            violations.add("once the workers stopped, the journal still held " + journal.records()
                    + " records the files lack");
        }
        List<String> toRetry = drained.tasks().stream().map(Task::id)
                .filter(id -> drained.statusOf(id) == TaskStatus.CANCELLED).toList();
        if (!toRetry.isEmpty()) {
            toRetry.forEach(id -> changes.issued(id, true));
            CliRun retried = CliRun.in(ws, CrashCampaign.concat(new String[] {"retry"}, toRetry.toArray(String[]::new)));
            if (retried.exitCode() != 0) {
                violations.add("retrying the cancelled tasks failed: " + retried.err());
            }
        }
        // Every process is gone: every temp file left now is a dead writer's. None may be read from here on.
        List<Path> leftovers = watch.all();
        for (Path leftover : leftovers) {
            CheckpointWatch.poison(leftover);
        }
        CliProcess last = CliProcess.start(logs.resolve("final.out"),
                CrashCampaign.concat(new String[] {"start", "2", "-w", ws.toString()}, WORKER_ARGS));
        last.waitFor(900);
        checkWorkerExit(last);
        System.out.printf("%6.1f s  a last start 2 finished; the final audit%n", (System.nanoTime() - start) / 1e9);
        changes.look("at the end");
        RunHistory history = RunHistory.read(ws.resolve("runs.log"));
        violations.addAll(WorkspaceAudit.check(ws, Set.of(TaskStatus.COMPLETED), history));
        violations.addAll(changes.reruns(history));
        if (Files.exists(ws.resolve("done-again.log"))) {
            violations.add("tasks completed before the campaign ran again: " + Files.readAllLines(ws.resolve("done-again.log")));
        }
        violations.addAll(filesAreExact());
        violations.addAll(tempFilesNamed());
        violations.addAll(changes.violations());
        Scale scale = new Scale(Files.size(ws.resolve("queue.json")), Files.size(ws.resolve("execution_log.json")),
                watch.lifetime(Kind.LOG), watch.lifetime(Kind.QUEUE), watch.lifetime(Kind.JOURNAL));
        return new Report(settings, tasksAdded, scale, kills, changes.looks(), statusChecks, changes.committed(),
                committedByKilledVerbs, tornJournalTails, leftovers.size(), history, violations,
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Once everything has stopped the files hold every change: the journal has nothing past its base, a fresh
     * {@code status --json} prints the log's own summary, and the workspace copied into PostgreSQL by a fresh
     * process and back into an empty workspace ({@code import}, {@code export}) gives the same tasks and entries.
     */
    private List<String> filesAreExact() throws Exception {
        List<String> found = new ArrayList<>();
        WorkspaceAudit.Journal journal = WorkspaceAudit.journal(ws, found);
        if (journal.records() > 0 || journal.tornTail()) {
            found.add("at the end the journal still holds " + journal.records() + " records past its checkpoint"
                    + (journal.tornTail() ? " and a torn tail" : ""));
        }
        WorkspaceAudit.Documents files = WorkspaceAudit.documents(ws, found);
        JsonNode status = checkStatus("at the end");
        if (files == null || status == null) {
            return found;
        }
        JsonNode summary = files.log().path("swarm_summary");
        for (var field : status.properties()) {
            if (summary.has(field.getKey()) && !summary.get(field.getKey()).equals(field.getValue())) {
                found.add("at the end status --json says " + status + ", execution_log.json says " + summary);
                break;
            }
        }
        PostgresServer postgres = PostgresServer.shared();
        String url = postgres.url(postgres.createDatabase());
        Path copy = Files.createDirectories(logs.resolve("exported"));
        for (String[] move : List.of(new String[] {"import", "--store", url, "-w", ws.toString()},
                new String[] {"export", "--store", url, "-w", copy.toString()})) {
            CliProcess process = CliProcess.start(logs.resolve(move[0] + ".out"), move);
            int code = process.waitFor(300);
            if (code != 0) {
                found.add(move[0] + " exited " + code + ": " + tail(process.output()));
                return found;
            }
        }
        WorkspaceAudit.Documents exported = WorkspaceAudit.documents(copy, found);
        if (exported != null && !exported.log().path("tasks").equals(files.log().path("tasks"))) {
            found.add("execution_log.json's entries differ from what a fresh process exported (" + copy + ")");
        }
        if (exported != null && !exported.queue().path("tasks").equals(files.queue().path("tasks"))) {
            found.add("queue.json's tasks differ from what a fresh process exported (" + copy + ")");
        }
        return found;
    }

    /** A process that names a temp file in its output read it, or failed writing it: neither may happen here. */
    private List<String> tempFilesNamed() throws IOException {
        List<String> found = new ArrayList<>();
        try (var outputs = Files.list(logs)) {
            for (Path output : outputs.filter(p -> p.toString().endsWith(".out")).sorted().toList()) {
                Files.readAllLines(output).stream().filter(l -> l.contains(".tmp") || l.contains("torn-leftover"))
                        .limit(3).forEach(l -> found.add(output.getFileName() + ": " + l));
            }
        }
        return found;
    }

    private static Task task(String id, Priority priority) {
        return Task.grind(id).command(RunHistory.command(id, 0.02 * (id.hashCode() & 3))).maxAttempts(50)
                .priority(priority).build();
    }

    /** The JSON document a verb printed, after whatever the JVM printed before it. */
    private static JsonNode jsonAtEnd(String output) {
        int start = output.startsWith("{") ? 0 : output.indexOf("\n{") + 1;
        try {
            return start < 0 ? null : JSON.readTree(output.substring(start));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String tail(String output) {
        String text = output.strip();
        return text.length() > 2000 ? "…" + text.substring(text.length() - 2000) : text;
    }
}
