package io.vivarium.task;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dedup rule of {@code add --key}: while a task with a key is pending or running, a task added with the same
 * key is not added, and the one holding the key answers for it. Both stores decide with this, under the lock or in
 * the transaction that would add the tasks, so exactly one of many racing adds wins.
 */
public final class TaskKeys {

    private TaskKeys() {
    }

    /** Whether a task in this state holds its key: it is unfinished. */
    public static boolean holds(TaskStatus status) {
        return status == TaskStatus.PENDING || status == TaskStatus.IN_PROGRESS;
    }

    /**
     * Which of {@code asked} to add, given the keys unfinished tasks hold now ({@code held}: key to task id), and
     * for each task asked for, the task that stands for it. A batch that names a key twice adds the
     * first.
     */
    public static Decision decide(List<Task> asked, Map<String, String> held) {
        Map<String, String> holders = new HashMap<>(held);
        List<Task> added = new ArrayList<>();
        List<Answer> answers = new ArrayList<>();
        for (Task task : asked) {
            String holder = task.key() == null ? null : holders.get(task.key());
            if (holder != null) {
                answers.add(new Answer(holder, false));
                continue;
            }
            if (task.key() != null) {
                holders.put(task.key(), task.id());
            }
            added.add(task);
            answers.add(new Answer(task.id(), true));
        }
        return new Decision(List.copyOf(added), List.copyOf(answers));
    }

    public static boolean anyKeyed(List<Task> tasks) {
        return tasks.stream().anyMatch(t -> t.key() != null);
    }

    /** The tasks to add, and for each task asked for (in order) the task that stands for it. */
    public record Decision(List<Task> added, List<Answer> answers) {
    }

    /** The task that stands for one asked for: that task itself ({@code added}), or the one holding its key. */
    public record Answer(String id, boolean added) {
    }
}
