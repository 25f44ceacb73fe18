package io.vivarium.task;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@link StartRule} applied to a whole queue at once, for callers that hold one in memory (the dry run, the
 * overview, tests): which tasks may start, in claim order, and which blocked tasks may run again.
 */
public final class Scheduling {

    /** Claim order: high priority first, then queue order (a stable sort keeps it within one priority). */
    public static final Comparator<Task> CLAIM_ORDER = Comparator.comparing(Task::priority);

    private Scheduling() {
    }

    /**
     * The tasks {@link StartRule} lets start under {@code context}, in claim order ({@link #verdicts}): each judged
     * against the budget as it is (before any of them reserves), and against its queue's limits as the ones before
     * it leave them.
     */
    public static List<Task> runnable(List<Task> queue, Function<String, TaskRun> runs, StartRule.Context context) {
        Map<String, StartRule.Verdict> verdicts = verdicts(queue, runs, context);
        List<Task> ready = new ArrayList<>();
        for (Task task : queue) {
            if (verdicts.get(task.id()).mayStart()) {
                ready.add(task);
            }
        }
        ready.sort(CLAIM_ORDER);
        return ready;
    }

    /**
     * Each task's {@link StartRule} verdict under {@code context}, by id, asked in claim order. The budget judges
     * each on its own; a queue's concurrency and rate count the tasks before it that may start, since no run ever
     * starts more of a queue together than they allow (a dry run that listed them all would promise what no run
     * does).
     */
    public static Map<String, StartRule.Verdict> verdicts(List<Task> queue, Function<String, TaskRun> runs,
                                                          StartRule.Context context) {
        Function<String, TaskStatus> statusOf = statusOf(queue, runs);
        List<Task> inOrder = new ArrayList<>(queue);
        inOrder.sort(CLAIM_ORDER);
        Map<String, StartRule.Verdict> verdicts = new HashMap<>();
        StartRule.Context left = context;
        for (Task task : inOrder) {
            StartRule.Verdict verdict = StartRule.check(task, runs.apply(task.id()), statusOf, left);
            verdicts.put(task.id(), verdict);
            if (verdict.mayStart()) {
                left = left.afterQueueStart(task);
            }
        }
        return verdicts;
    }

    /**
     * What a store claims for up to {@code max} workers: in claim order, each task that may start under what the
     * ones before it left, each reserving its whole cap. A task that does not fit does not hide one behind it that
     * does.
     */
    public static List<Task> claimable(List<Task> queue, Function<String, TaskRun> runs, StartRule.Context context,
                                       int max) {
        Function<String, TaskStatus> statusOf = statusOf(queue, runs);
        List<Task> inOrder = new ArrayList<>(queue);
        inOrder.sort(CLAIM_ORDER);
        List<Task> taken = new ArrayList<>();
        StartRule.Context left = context;
        for (Task task : inOrder) {
            if (taken.size() >= max) {
                break;
            }
            if (StartRule.check(task, runs.apply(task.id()), statusOf, left).mayStart()) {
                taken.add(task);
                left = left.afterStarting(task);
            }
        }
        return taken;
    }

    /** Blocked tasks none of whose dependencies is failed, cancelled or blocked any more (after a retry). */
    public static List<String> toUnblock(List<Task> queue, Function<String, TaskRun> runs) {
        Map<String, TaskStatus> status = statuses(queue, runs);
        List<String> unblocked = new ArrayList<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Task task : queue) {
                if (status.get(task.id()) == TaskStatus.BLOCKED
                        && StartRule.blockingReason(task, status::get).isEmpty()) {
                    unblocked.add(task.id());
                    status.put(task.id(), TaskStatus.PENDING);
                    changed = true;
                }
            }
        }
        return unblocked;
    }

    /** Each task's status (pending without an entry); null for an id not in the queue. */
    public static Function<String, TaskStatus> statusOf(List<Task> queue, Function<String, TaskRun> runs) {
        return statuses(queue, runs)::get;
    }

    private static Map<String, TaskStatus> statuses(List<Task> queue, Function<String, TaskRun> runs) {
        Map<String, TaskStatus> status = new HashMap<>(queue.size() * 2);
        for (Task task : queue) {
            TaskRun run = runs.apply(task.id());
            status.put(task.id(), run == null ? TaskStatus.PENDING : run.status());
        }
        return status;
    }
}
