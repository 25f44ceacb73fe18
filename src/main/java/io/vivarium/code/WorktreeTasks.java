package io.vivarium.code;

import io.vivarium.code.git.GitException;
import io.vivarium.code.git.Repository;
import io.vivarium.task.InvalidTaskException;
import io.vivarium.task.Task;
import java.nio.file.Path;
import java.util.Collection;

/** The rule for adding worktree tasks: only to a workspace in a git repository, with git installed. */
public final class WorktreeTasks {

    private WorktreeTasks() {
    }

    /** @throws InvalidTaskException naming {@code worktree} when a worktree task cannot run in this workspace */
    public static void requireRepository(Path workspace, Collection<Task> tasks) {
        if (tasks.stream().noneMatch(Task::worktree)) {
            return;
        }
        try {
            if (Repository.find(workspace).isEmpty()) {
                throw new InvalidTaskException("worktree", "worktree is for workspaces in a git repository, and "
                        + workspace + " is not in one (git init, and a first commit)");
            }
        } catch (GitException e) {
            throw new InvalidTaskException("worktree", e.getMessage());
        }
    }
}
