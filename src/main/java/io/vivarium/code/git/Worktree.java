package io.vivarium.code.git;

import java.nio.file.Path;

/** One grind's git worktree: where it is, the branch it is on and the commit it started from. */
public record Worktree(Path path, String branch, String base) {

    public Git git() {
        return new Git(path);
    }
}
