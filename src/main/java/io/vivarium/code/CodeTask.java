package io.vivarium.code;

import io.vivarium.code.agent.EditTask;
import io.vivarium.task.Task;
import java.util.List;

/** A task's code-grind fields: whether it runs in a worktree, its check, the files its agent starts from, its turns. */
record CodeTask(boolean worktree, String check, List<String> files, int maxTurns) {

    static CodeTask of(Task task) {
        Object worktree = task.extra().get("worktree");
        Object check = task.extra().get("check");
        Object files = task.extra().get("files");
        Object turns = task.extra().get("max_turns");
        return new CodeTask(Boolean.TRUE.equals(worktree) || "true".equals(worktree),
                check instanceof String s && !s.isBlank() ? s : null,
                files instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(),
                turns instanceof Number n ? n.intValue() : EditTask.DEFAULT_MAX_TURNS);
    }

    static boolean isCode(Task task) {
        return task != null && of(task).worktree();
    }
}
