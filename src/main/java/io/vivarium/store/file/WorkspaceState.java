package io.vivarium.store.file;

import io.vivarium.spend.SpendChange;
import io.vivarium.spend.SpendLedger;
import io.vivarium.spend.SpendLimit;
import io.vivarium.task.Money;
import io.vivarium.task.FlowRoom;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.Occurrences;
import io.vivarium.task.StartRule;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The queue and every run state of a workspace, held in memory and kept current from the journal, with the indexes
 * that make a commit cost what it changes: the runnable tasks in claim order, a timeline of the tasks waiting for a
 * time ({@link StartRule#timed}), who depends on whom, and the summary's counts. Not thread-safe: the store uses it under its own lock.
 */
final class WorkspaceState {

    /** The queue file's own fields (endpoint, unknown fields, the old format's lists); its tasks live below. */
    private QueueDocument frame;
    private ExecutionLog logFrame;
    private final List<Task> tasks = new ArrayList<>();
    private final Map<String, Integer> position = new HashMap<>();
    private final Map<String, TaskRun> runs = new LinkedHashMap<>();
    private final Map<String, List<String>> dependents = new HashMap<>();
    private final TreeSet<Integer> ready = new TreeSet<>(Comparator
            .comparing((Integer p) -> tasks.get(p).priority())
            .thenComparing(p -> p));
    /** How many of {@link #ready} each queue holds: a commit under limits stops once every one of them is held. */
    private final Map<String, Integer> readyByQueue = new HashMap<>();
    /** Tasks that may start but for the clock, by the moment they may ({@link StartRule#timed}). */
    private final TreeMap<Instant, Set<String>> timeline = new TreeMap<>();
    private final Map<String, Instant> waitingUntil = new HashMap<>();
    /** The tasks on the timeline that wait out a retry backoff (the others wait for their time). */
    private final Set<String> retrying = new HashSet<>();
    private final Set<String> inProgress = new LinkedHashSet<>();
    /** Pending tasks that can never run (a dependency failed, or is missing): the next writer blocks them. */
    private final Set<String> toBlock = new LinkedHashSet<>();
    private final int[] counts = new int[TaskStatus.values().length];
    /** Pending tasks with a time they wait for ({@link Occurrences#dueAt}): none, and no one waits for the clock. */
    private int timedPending;
    private long budgetMicros;
    private SpendLedger spend;
    /**
     * What the writes since the ledger was last asked for do to it, summed: a ledger is an immutable record with a
     * map of days, and making a new one for each of a commit's hundreds of entries was a tenth of all a run's garbage.
     */
    private SpendChange unapplied = SpendChange.NONE;
    private Instant unappliedAt;
    /** Each rate-limited queue's recent starts; the flow settings themselves live in {@link #frame}. */
    private final QueueStarts starts = new QueueStarts();
    private final FlowRoomCache flowRoom = new FlowRoomCache();
    /** {@code frame.flow()}, read once: every claim asks it, for every candidate (a clear and a prune keep it). */
    private FlowSettings flow;
    /** The last journal record applied, and the last one that changed the queue's definitions. */
    private long seq;
    private long queueSeq;

    /** {@code at}: when a log written before spend was kept has its ledger worked out from its entries. */
    WorkspaceState(QueueDocument queue, ExecutionLog log, long seq, Instant at) {
        this.frame = queue.withTasks(List.of());
        this.flow = frame.flow();
        this.logFrame = log.cleared(QueueDocument.empty());
        this.seq = seq;
        this.queueSeq = queue.revision();
        runs.putAll(log.runsOver(queue));
        appendTasks(queue.tasks());
        this.spend = log.spend().orElseGet(() -> SpendLedger.of(queue.tasks(), runs::get, at));
        starts.restore(QueueStarts.read(log.extra()));
    }

    SpendLedger spend() {
        if (!unapplied.isNone()) {
            spend = spend.apply(unapplied, unappliedAt);
            unapplied = SpendChange.NONE;
        }
        return spend;
    }

    void limitSpend(Optional<SpendLimit> limit) {
        spend = spend().withLimit(limit);
    }

    /**
     * Up to {@code max} tasks runnable now but for the budget and the flow settings, in claim order, after task
     * {@code after} (null: from the first): a commit under limits reads them a window at a time.
     */
    List<Task> readyAfter(Instant now, String after, int max) {
        releaseDue(now);
        List<Task> taken = new ArrayList<>(Math.min(max, ready.size()));
        for (Integer p : after == null ? ready : ready.tailSet(position.get(after), false)) {
            if (taken.size() >= max) {
                break;
            }
            taken.add(tasks.get(p));
        }
        return taken;
    }

    /** The queues that hold a task runnable now but for the budget and the flow settings. */
    Set<String> queuesWithReady(Instant now) {
        releaseDue(now);
        return readyByQueue.keySet();
    }

    /** Tasks runnable now but for the budget, in claim order: for a commit under a ceiling, and for the wait count. */
    List<Task> readyInOrder(Instant now) {
        releaseDue(now);
        List<Task> all = new ArrayList<>(ready.size());
        for (Integer p : ready) {
            all.add(tasks.get(p));
        }
        return all;
    }

    long seq() {
        return seq;
    }

    long queueSeq() {
        return queueSeq;
    }

    // --- reading ---

    List<Task> tasks() {
        return tasks;
    }

    Map<String, TaskRun> runs() {
        return runs;
    }

    Optional<Task> task(String id) {
        Integer p = position.get(id);
        return p == null ? Optional.empty() : Optional.of(tasks.get(p));
    }

    Set<String> ids() {
        return java.util.Collections.unmodifiableSet(position.keySet());
    }

    boolean contains(String id) {
        return position.containsKey(id);
    }

    /** The entry of a task in the queue, pending when it has none. */
    TaskRun runOf(String id) {
        TaskRun run = runs.get(id);
        return run == null ? TaskRun.pending() : run;
    }

    /** Tasks in progress, in the order they were claimed. */
    Set<String> inProgress() {
        return inProgress;
    }

    int timedPending() {
        return timedPending;
    }

    Summary summary() {
        int pending = tasks.size();
        for (TaskStatus s : TaskStatus.values()) {
            if (s != TaskStatus.PENDING) {
                pending -= counts[s.ordinal()];
            }
        }
        return new Summary(tasks.size(), counts[TaskStatus.COMPLETED.ordinal()],
                counts[TaskStatus.IN_PROGRESS.ordinal()], pending, counts[TaskStatus.FAILED.ordinal()],
                counts[TaskStatus.BLOCKED.ordinal()], counts[TaskStatus.CANCELLED.ordinal()],
                Money.round(budgetMicros / 1_000_000.0));
    }

    /** The files' frame, for a checkpoint of the queue. */
    QueueDocument queueDocument() {
        return frame.withTasks(List.copyOf(tasks));
    }

    /**
     * The log as a checkpoint writes it, frozen for writing off the lock: the entries as two arrays (cheaper to
     * copy than a map), the summary kept here (no pass over the queue), and the file's own fields.
     */
    Checkpoints.FrozenLog freezeLog() {
        String[] ids = new String[runs.size()];
        TaskRun[] entries = new TaskRun[runs.size()];
        int i = 0;
        for (Map.Entry<String, TaskRun> e : runs.entrySet()) {
            ids[i] = e.getKey();
            entries[i++] = e.getValue();
        }
        return new Checkpoints.FrozenLog(logFrame.version(), ids, entries, summary(),
                starts.writtenInto(logFrame.withSpend(spend()).extra(), flow));
    }

    // --- what a commit may claim ---

    /**
     * Up to {@code max} tasks runnable at {@code now}, in claim order (priority, then queue order), skipping
     * {@code skip}; and whether more were runnable than taken.
     */
    Claimable runnable(Instant now, int max, Set<String> skip) {
        releaseDue(now);
        List<Task> taken = new ArrayList<>();
        boolean left = false;
        for (Integer p : ready) {
            Task task = tasks.get(p);
            if (skip.contains(task.id())) {
                left = true;
                continue;
            }
            if (taken.size() >= max) {
                left = true;
                break;
            }
            taken.add(task);
        }
        return new Claimable(taken, left);
    }

    record Claimable(List<Task> tasks, boolean more) {
    }

    /**
     * {@link StartRule} for one task as this state stands, with the ledger's room under {@code processLimit} and
     * what the pause and the queues' limits leave.
     */
    StartRule.Verdict check(Task task, Instant now, Optional<SpendLimit> processLimit) {
        return check(task, now, processLimit, Set.of());
    }

    /**
     * The same, with {@code leased}: tasks a live lease names. Their grinds run whatever their entries say (a cancel
     * or an edit ends the entry's run at once, the grind when its pool notices), so a queue's concurrency counts them.
     */
    StartRule.Verdict check(Task task, Instant now, Optional<SpendLimit> processLimit, Set<String> leased) {
        return StartRule.check(task, runs.get(task.id()), this::statusOrNull,
                new StartRule.Context(now, spend().room(processLimit), flowRoom(now, leased)));
    }

    // --- flow control ---

    FlowSettings flow() {
        return flow;
    }

    void setFlow(FlowSettings flow) {
        frame = frame.withFlow(flow);
        this.flow = flow;
        flowRoom.drop();
    }

    /** The pause and the queues' limits with what they leave at {@code now}: the running and the recent starts. */
    FlowRoom flowRoom(Instant now) {
        return flowRoom(now, Set.of());
    }

    private FlowRoom flowRoom(Instant now, Set<String> leased) {
        return flowRoom.at(flow, now, leased, inProgress, this::taskOrNull,
                queue -> starts.of(queue, now, tasks, runs::get));
    }

    private Task taskOrNull(String id) {
        Integer p = position.get(id);
        return p == null ? null : tasks.get(p);
    }

    Optional<Instant> nextBackoffEnd(Instant now) {
        releaseDue(now);
        return timeline.isEmpty() ? Optional.empty() : Optional.of(timeline.firstKey());
    }

    /** Whether a pending task waits out a retry backoff (not for its time). */
    boolean retriesWaiting(Instant now) {
        releaseDue(now);
        return !retrying.isEmpty();
    }

    /** Pending tasks that can never run, each with the reason, as {@link StartRule#blockingReason} finds them. */
    Map<String, String> takeBlockable() {
        Map<String, String> found = new LinkedHashMap<>();
        for (String id : toBlock) {
            if (runOf(id).status() == TaskStatus.PENDING) {
                task(id).flatMap(t -> StartRule.blockingReason(t, this::statusOrNull))
                        .ifPresent(reason -> found.put(id, reason));
            }
        }
        toBlock.clear();
        return found;
    }

    // --- changing ---

    void setSeq(long seq, boolean queueChanged) {
        this.seq = seq;
        if (queueChanged) {
            this.queueSeq = seq;
        }
    }

    void appendTasks(List<Task> added) {
        for (Task task : added) {
            Integer p = tasks.size();
            tasks.add(task);
            position.put(task.id(), p);
            TaskRun run = runs.get(task.id());
            timedPending += timed(task, run);
            if (run != null) {
                count(run, +1);
                trackRunning(task.id(), run);
            }
            for (String dep : task.dependsOn()) {
                dependents.computeIfAbsent(dep, k -> new ArrayList<>(2)).add(task.id());
            }
        }
        for (Task task : added) {
            reindex(task.id());
            // A task that others named before it existed (the old format allowed it) may free them now.
            dependents.getOrDefault(task.id(), List.of()).forEach(this::reindex);
        }
    }

    /** {@code at}: the write's time, the day its charges count on. */
    void setRun(String id, TaskRun run, Instant at) {
        TaskRun old = runs.put(id, run);
        Integer p = position.get(id);
        if (p == null) {
            return;
        }
        SpendChange change = SpendChange.of(tasks.get(p), old, run);
        if (!change.isNone()) {
            if (!unapplied.isNone() && utcDay(at) != utcDay(unappliedAt)) {
                spend(); // charges count on their own day
            }
            unapplied = unapplied.plus(change);
            unappliedAt = at;
        }
        if (run.status() == TaskStatus.IN_PROGRESS && (old == null || old.status() != TaskStatus.IN_PROGRESS)) {
            starts.started(tasks.get(p).queueName(), run.startedAt() != null ? run.startedAt() : at);
        }
        flowRoom.drop();
        place(id, old, run);
    }

    /** 1 when a pending task waits for a time (now or later: the clock moves on, a due time is not re-counted). */
    private static int timed(Task task, TaskRun run) {
        boolean pending = run == null || run.status() == TaskStatus.PENDING;
        return pending && Occurrences.dueAt(task, run) != null ? 1 : 0;
    }

    private static long utcDay(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), 86_400);
    }

    /** Moves a task's counts and indexes from its old entry to its new one. */
    private void place(String id, TaskRun old, TaskRun run) {
        Task task = tasks.get(position.get(id));
        timedPending += timed(task, run) - timed(task, old);
        if (old != null) {
            count(old, -1);
        }
        count(run, +1);
        trackRunning(id, run);
        reindex(id);
        TaskStatus before = old == null ? TaskStatus.PENDING : old.status();
        if (before != run.status()) {
            dependents.getOrDefault(id, List.of()).forEach(this::reindex);
        }
    }

    /**
     * Forgets these tasks, definitions and entries (a prune): the indexes are built again from what is left, and the
     * spend ledger keeps what they spent. Rare and whole-queue, like a checkpoint.
     */
    void removeTasks(Collection<String> ids) {
        Set<String> gone = new HashSet<>(ids);
        List<Task> kept = tasks.stream().filter(t -> !gone.contains(t.id())).toList();
        Map<String, TaskRun> keptRuns = new LinkedHashMap<>(runs);
        keptRuns.keySet().removeAll(gone);
        SpendLedger ledger = spend();
        QueueDocument keptFrame = frame;
        // A prune keeps what the pruned tasks spent, and their starts: a rate counts starts, not tasks left.
        Map<String, List<Instant>> keptStarts = starts.snapshot();
        clear();
        starts.restore(keptStarts);
        frame = keptFrame;
        runs.putAll(keptRuns);
        appendTasks(kept);
        spend = ledger;
    }

    /** Empties the queue and the log, keeping the files' own fields but not the old format's lists. */
    void clear() {
        frame = frame.cleared();
        tasks.clear();
        position.clear();
        runs.clear();
        dependents.clear();
        ready.clear();
        readyByQueue.clear();
        timeline.clear();
        waitingUntil.clear();
        retrying.clear();
        toBlock.clear();
        inProgress.clear();
        java.util.Arrays.fill(counts, 0);
        timedPending = 0;
        budgetMicros = 0;
        starts.forget();
        flowRoom.drop();
        spend = spend().cleared();
    }

    /** Forgets every run state, keeping the queue: a clear the queue file already holds (see the store's reload). */
    void clearRuns() {
        for (String id : List.copyOf(runs.keySet())) {
            TaskRun old = runs.put(id, TaskRun.pending());
            if (position.containsKey(id)) {
                place(id, old, TaskRun.pending());
            }
        }
        runs.clear();
        spend = spend().cleared();
    }

    // --- indexes ---

    private void trackRunning(String id, TaskRun run) {
        if (run.status() == TaskStatus.IN_PROGRESS) {
            inProgress.add(id);
        } else {
            inProgress.remove(id);
        }
    }

    private void count(TaskRun run, int sign) {
        counts[run.status().ordinal()] += sign;
        budgetMicros += sign * Math.round(run.budgetOrZero() * 1_000_000);
    }

    /** Puts a task where its state and its dependencies' states say it belongs. */
    private void reindex(String id) {
        Integer p = position.get(id);
        if (p == null) {
            return;
        }
        if (ready.remove(p)) {
            readyByQueue.computeIfPresent(tasks.get(p).queueName(), (queue, n) -> n == 1 ? null : n - 1);
        }
        Instant waiting = waitingUntil.remove(id);
        retrying.remove(id);
        if (waiting != null) {
            Set<String> at = timeline.get(waiting);
            at.remove(id);
            if (at.isEmpty()) {
                timeline.remove(waiting);
            }
        }
        StartRule.Verdict standing = StartRule.standing(tasks.get(p), runs.get(id), this::statusOrNull);
        // A pending task that can never start is blocked by the next writer; a blocked one is blocked already.
        if (standing.reason() == StartRule.Reason.BLOCKED && runOf(id).status() == TaskStatus.PENDING) {
            toBlock.add(id);
            return;
        }
        toBlock.remove(id);
        if (!standing.mayStart()) {
            return;
        }
        StartRule.Verdict timed = StartRule.timed(tasks.get(p), runs.get(id));
        if (timed.mayStart()) {
            makeReady(p);
        } else {
            waitingUntil.put(id, timed.until());
            timeline.computeIfAbsent(timed.until(), k -> new LinkedHashSet<>()).add(id);
            if (timed.reason() == StartRule.Reason.BACKOFF) {
                retrying.add(id);
            }
        }
    }

    private void releaseDue(Instant now) {
        while (!timeline.isEmpty() && !timeline.firstKey().isAfter(now)) {
            Map.Entry<Instant, Set<String>> due = timeline.pollFirstEntry();
            for (String id : due.getValue()) {
                waitingUntil.remove(id);
                retrying.remove(id);
                makeReady(position.get(id));
            }
        }
    }

    private void makeReady(int p) {
        if (ready.add(p)) {
            readyByQueue.merge(tasks.get(p).queueName(), 1, Integer::sum);
        }
    }

    private TaskStatus statusOrNull(String id) {
        return position.containsKey(id) ? runOf(id).status() : null;
    }
}
