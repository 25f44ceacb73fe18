package io.vivarium.task;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.ArrayList;
import java.util.Iterator;

/** The dependency rules for a queue: every {@code depends_on} names a task in it, and there are no cycles. */
public final class DependencyGraph {

    private DependencyGraph() {
    }

    /** Checks that {@code added} may be appended to a queue that already holds {@code existing}. */
    public static void checkAppend(Collection<Task> existing, Collection<Task> added) {
        Map<String, List<String>> edges = new HashMap<>();
        for (Task task : existing) {
            edges.put(task.id(), task.dependsOn());
        }
        check(edges, added);
    }

    /**
     * {@link #checkAppend} for a queue known by its ids alone: its tasks were checked when they came, so a cycle can
     * only run through the added ones. (A task of the original system's files that names a missing dependency is
     * blocked by the first commit; adding that dependency later cannot run it.)
     */
    public static void checkAppend(Set<String> existingIds, Collection<Task> added) {
        check(new HashMap<>(), existingIds, added);
    }

    private static void check(Map<String, List<String>> edges, Collection<Task> added) {
        check(edges, Set.of(), added);
    }

    /** {@code edges} holds the existing tasks that may lead anywhere; {@code leaves} those that lead nowhere new. */
    private static void check(Map<String, List<String>> edges, Set<String> leaves, Collection<Task> added) {
        for (Task task : added) {
            edges.put(task.id(), task.dependsOn());
        }
        for (Task task : added) {
            for (String dep : task.dependsOn()) {
                if (!edges.containsKey(dep) && !leaves.contains(dep)) {
                    throw new InvalidTaskException("depends_on",
                            "task '" + task.id() + "' depends on unknown task '" + dep + "'");
                }
            }
        }
        List<String> cycle = findCycle(edges);
        if (!cycle.isEmpty()) {
            throw new InvalidTaskException("depends_on", "dependency cycle: " + String.join(" -> ", cycle));
        }
    }

    /** A cycle as a path that starts and ends at the same id, or an empty list. Iterative, so deep chains are fine. */
    public static List<String> findCycle(Map<String, List<String>> edges) {
        Set<String> done = new HashSet<>();
        for (String start : edges.keySet()) {
            if (done.contains(start)) {
                continue;
            }
            Deque<String> path = new ArrayDeque<>();
            Set<String> onPath = new HashSet<>();
            Deque<Iterator<String>> pending = new ArrayDeque<>();
            path.push(start);
            onPath.add(start);
            pending.push(edges.getOrDefault(start, List.of()).iterator());
            while (!pending.isEmpty()) {
                Iterator<String> it = pending.peek();
                if (!it.hasNext()) {
                    pending.pop();
                    String finished = path.pop();
                    onPath.remove(finished);
                    done.add(finished);
                    continue;
                }
                String next = it.next();
                if (onPath.contains(next)) {
                    List<String> cycle = new ArrayList<>();
                    var descending = path.descendingIterator();
                    boolean in = false;
                    while (descending.hasNext()) {
                        String id = descending.next();
                        in |= id.equals(next);
                        if (in) {
                            cycle.add(id);
                        }
                    }
                    cycle.add(next);
                    return cycle;
                }
                if (!done.contains(next) && edges.containsKey(next)) {
                    path.push(next);
                    onPath.add(next);
                    pending.push(edges.get(next).iterator());
                }
            }
        }
        return List.of();
    }
}
