package io.vivarium.code;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import io.vivarium.support.UserRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vivarium removes its own worktrees' records and no one else's. */
class UsersWorktreesTest {

    @TempDir
    Path dir;

    @TempDir
    Path elsewhere;

    @Test
    void theUsersWorktreeOnAnUnmountedDiskKeepsItsRecord() throws Exception {
        UserRepo repo = UserRepo.init(dir);
        repo.write("calc.py", "def add(a, b):\n    return a - b\n");
        repo.commitAll("first");
        Path usersTree = elsewhere.resolve("usertree");
        repo.git("worktree", "add", "-q", "-b", "feature", usersTree.toString());
        // The disk it lives on is not mounted just now: its directory is missing.
        Files.move(usersTree, elsewhere.resolve("unmounted"));
        CliRun added = CliRun.in(dir, "add", "fix_add", "grind", "--worktree", "--description", "Fix add",
                "--command", "sed -i 's/a - b/a + b/' calc.py");
        assertThat(added.exitCode()).as(added.err()).isZero();

        assertThat(CliRun.in(dir, "start", "1").exitCode()).isZero();

        assertThat(repo.git("worktree", "list", "--porcelain")).contains(usersTree.toString());
        assertThat(dir.resolve(".git/worktrees/usertree/gitdir")).exists();
        assertThat(repo.git("show", "vivarium/fix_add:calc.py")).contains("a + b");
        assertThat(repo.git("worktree", "list", "--porcelain")).doesNotContain("fix_add");
    }
}
