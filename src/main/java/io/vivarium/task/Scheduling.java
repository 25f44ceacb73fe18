package io.vivarium.task;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.LinkedHashMap;

/**
 * Which tasks may run, in what order, and which can never run. Pure functions over the queue and the run
 * states, so every store applies the same rules.
 */
public final class Scheduling {

    private Scheduling() {
    }

    /** Runnable now: pending, past its backoff, every dependency completed. Priority first, then queue order. */
    public static List<Task> runnable(List<Task> queue, Function<String, TaskRun> runs, Instant now) {
        Map<String, TaskStatus> status = statuses(queue, runs);
        List<Task> ready = new ArrayList<>();
        for (Task task : queue) {
            TaskRun run = runOrPending(runs, task.id());
            if (run.isClaimableAt(now) && dependenciesCompleted(task, status)) {
                ready.add(task);
            }
        }
        // A stable sort keeps queue order within one priority.
        ready.sort(Comparator.comparing(Task::priority));
        return ready;
    }

    /**
     * Pending tasks that can never run because a dependency failed, was cancelled, is blocked itself, or is not
     * in the queue; each with the reason. Follows chains, so a whole subtree is blocked in one pass.
     */
    public static Map<String, String> toBlock(List<Task> queue, Function<String, TaskRun> runs) {
        Map<String, TaskStatus> status = statuses(queue, runs);
        Map<String, String> blocked = new LinkedHashMap<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Task task : queue) {
                if (status.get(task.id()) != TaskStatus.PENDING) {
                    continue;
                }
                Optional<String> reason = blockingReason(task, status);
                if (reason.isPresent()) {
                    blocked.put(task.id(), reason.get());
                    status.put(task.id(), TaskStatus.BLOCKED);
                    changed = true;
                }
            }
        }
        return blocked;
    }

    /** Blocked tasks none of whose dependencies is failed, cancelled or blocked any more (after a retry). */
    public static List<String> toUnblock(List<Task> queue, Function<String, TaskRun> runs) {
        Map<String, TaskStatus> status = statuses(queue, runs);
        List<String> unblocked = new ArrayList<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Task task : queue) {
                if (status.get(task.id()) == TaskStatus.BLOCKED && blockingReason(task, status).isEmpty()) {
                    unblocked.add(task.id());
                    status.put(task.id(), TaskStatus.PENDING);
                    changed = true;
                }
            }
        }
        return unblocked;
    }

    /** The earliest moment a pending task's backoff ends, if any task is waiting on one. */
    public static Optional<Instant> nextBackoffEnd(List<Task> queue, Function<String, TaskRun> runs, Instant now) {
        Instant earliest = null;
        for (Task task : queue) {
            TaskRun run = runs.apply(task.id());
            if (run != null && run.status() == TaskStatus.PENDING && run.notBefore() != null
                    && run.notBefore().isAfter(now) && (earliest == null || run.notBefore().isBefore(earliest))) {
                earliest = run.notBefore();
            }
        }
        return Optional.ofNullable(earliest);
    }

    private static Optional<String> blockingReason(Task task, Map<String, TaskStatus> status) {
        return blockingReason(task, status::get);
    }

    /**
     * Why {@code task} can never run, if it cannot: its first dependency that failed, was cancelled, is blocked
     * itself or is not in the queue ({@code statusOf} answers null). For stores that look at a few tasks at a time.
     */
    public static Optional<String> blockingReason(Task task, Function<String, TaskStatus> statusOf) {
        for (String dep : task.dependsOn()) {
            TaskStatus depStatus = statusOf.apply(dep);
            if (depStatus == null) {
                return Optional.of("dependency '" + dep + "' is not in the queue");
            }
            if (depStatus == TaskStatus.FAILED || depStatus == TaskStatus.CANCELLED
                    || depStatus == TaskStatus.BLOCKED) {
                return Optional.of("dependency '" + dep + "' is " + depStatus);
            }
        }
        return Optional.empty();
    }

    private static boolean dependenciesCompleted(Task task, Map<String, TaskStatus> status) {
        for (String dep : task.dependsOn()) {
            if (status.get(dep) != TaskStatus.COMPLETED) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, TaskStatus> statuses(List<Task> queue, Function<String, TaskRun> runs) {
        Map<String, TaskStatus> status = new HashMap<>(queue.size() * 2);
        for (Task task : queue) {
            status.put(task.id(), runOrPending(runs, task.id()).status());
        }
        return status;
    }

    private static TaskRun runOrPending(Function<String, TaskRun> runs, String id) {
        TaskRun run = runs.apply(id);
        return run == null ? TaskRun.pending() : run;
    }
}
