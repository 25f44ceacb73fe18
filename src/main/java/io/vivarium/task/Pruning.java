package io.vivarium.task;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which finished tasks {@code prune} removes: those in the asked states (completed, cancelled or failed) that ended
 * before the cut-off, except any that a task staying in the queue depends on, so that no task is left naming a
 * dependency that is gone. What they spent stays in the spend ledger; only definitions and entries go.
 */
public final class Pruning {

    /** The states a task may be pruned in: finished, and never to run again unless the user asks. */
    public static final Set<TaskStatus> PRUNABLE = EnumSet.of(TaskStatus.COMPLETED, TaskStatus.CANCELLED,
            TaskStatus.FAILED);


    private Pruning() {
    }

    /** An age such as {@code 30s}, {@code 10m}, {@code 2h}, {@code 7d}; refused naming {@code field} otherwise. */
    public static java.time.Duration age(String field, String text) {
        // Durations is the one reader of durations; "min" is kept for those who wrote it before prune used it.
        String minutes = text == null ? null : text.strip().replaceAll("(?<=\\d)min$", "m");
        return Durations.parse(field, minutes);
    }

    /** {@code statuses} must be prunable ones; refused naming the field otherwise. */
    public static Set<TaskStatus> check(Collection<TaskStatus> statuses) {
        if (statuses.isEmpty()) {
            throw new InvalidTaskException("status", "name at least one of completed, cancelled, failed");
        }
        for (TaskStatus status : statuses) {
            if (!PRUNABLE.contains(status)) {
                throw new InvalidTaskException("status", "only finished tasks are pruned: completed, cancelled or "
                        + "failed, not " + status.wireName());
            }
        }
        return EnumSet.copyOf(statuses);
    }

    /** Whether this task may go, before its dependents are considered: asked-for state, ended before the cut-off. */
    public static boolean isCandidate(Task task, TaskRun run, Set<TaskStatus> statuses, Instant endedBefore) {
        if (run == null || !statuses.contains(run.status())) {
            return false;
        }
        if (endedBefore == null) {
            return true;
        }
        Instant ended = run.completedAt() != null ? run.completedAt() : task.createdAt();
        return ended != null && ended.isBefore(endedBefore);
    }

    /**
     * The candidates that may go: a candidate that a task staying depends on stays too, and so, in turn, may the
     * candidates it depends on. {@code dependents}: for each candidate, the ids of the tasks that depend on it.
     */
    public static List<String> removable(Collection<String> candidates, Map<String, List<String>> dependents) {
        Set<String> going = new LinkedHashSet<>(candidates);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (String id : new ArrayList<>(going)) {
                for (String dependent : dependents.getOrDefault(id, List.of())) {
                    if (!going.contains(dependent)) {
                        going.remove(id);
                        changed = true;
                        break;
                    }
                }
            }
        }
        return List.copyOf(going);
    }

    /** {@link #removable} over a whole queue held in memory. */
    public static List<String> choose(List<Task> tasks, Map<String, TaskRun> runs, Set<TaskStatus> statuses,
                                      Instant endedBefore) {
        Set<String> candidates = new LinkedHashSet<>();
        for (Task task : tasks) {
            if (isCandidate(task, runs.get(task.id()), statuses, endedBefore)) {
                candidates.add(task.id());
            }
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        Map<String, List<String>> dependents = new java.util.HashMap<>();
        Set<String> seen = new HashSet<>();
        for (Task task : tasks) {
            if (seen.add(task.id())) {
                for (String dep : task.dependsOn()) {
                    if (candidates.contains(dep)) {
                        dependents.computeIfAbsent(dep, k -> new ArrayList<>()).add(task.id());
                    }
                }
            }
        }
        return removable(candidates, dependents);
    }
}
