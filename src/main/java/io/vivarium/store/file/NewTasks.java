package io.vivarium.store.file;

import io.vivarium.store.DuplicateTaskException;
import io.vivarium.task.DependencyGraph;
import io.vivarium.task.Task;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The one check of tasks being added, by the ordinary add and the quick one alike. */
final class NewTasks {

    private NewTasks() {
    }

    /**
     * A task whose id the queue or the batch already holds is a duplicate; a dependency must be known, and no cycle
     * may form. By ids: the queue's own tasks were checked when they came, so a cycle can only run through new ones.
     */
    static void check(Set<String> existing, List<Task> added) {
        Set<String> ids = new HashSet<>();
        for (Task task : added) {
            if (existing.contains(task.id()) || !ids.add(task.id())) {
                throw new DuplicateTaskException(task.id());
            }
        }
        DependencyGraph.checkAppend(existing, added);
    }
}
