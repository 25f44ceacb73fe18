package io.vivarium.code;

import io.vivarium.task.Task;
import java.util.List;

/** A task's code-grind fields: whether it runs in a worktree, its check, the files its agent starts from, its turns. */
record CodeTask(boolean worktree, String check, List<String> files, int maxTurns) {

    static CodeTask of(Task task) {
        return new CodeTask(task.worktree(), task.check(), task.files(), task.maxTurnsOrDefault());
    }

    static boolean isCode(Task task) {
        return task != null && task.worktree();
    }
}
