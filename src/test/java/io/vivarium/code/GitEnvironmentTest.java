package io.vivarium.code;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import io.vivarium.support.UserRepo;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vivarium run from a git hook or {@code git rebase -x}, where git exports the variables that locate a repository. */
class GitEnvironmentTest {

    @TempDir
    Path dir;

    @TempDir
    Path logs;

    @Test
    void aCodeGrindStartedWithGitDirSetLeavesTheUsersRepositoryAlone() throws Exception {
        UserRepo repo = UserRepo.init(dir);
        repo.write("calc.py", "def add(a, b):\n    return a - b\n");
        repo.commitAll("first");
        CliRun added = CliRun.in(dir, "add", "fix_add", "grind", "--worktree", "--description", "Fix add",
                "--command", "sed -i 's/a - b/a + b/' calc.py && git add calc.py && git status --short");
        assertThat(added.exitCode()).as(added.err()).isZero();
        UserRepo.UserState before = repo.userState();

        Path git = dir.resolve(".git");
        CliProcess start = CliProcess.start(logs.resolve("start.log"), Map.of("GIT_DIR", git.toString(),
                "GIT_WORK_TREE", dir.toString(), "GIT_INDEX_FILE", git.resolve("index").toString(),
                "GIT_PREFIX", "", "GIT_CONFIG_COUNT", "1", "GIT_CONFIG_KEY_0", "core.bare",
                "GIT_CONFIG_VALUE_0", "true"), "start", "1", "--workspace", dir.toString());

        assertThat(start.waitFor(120)).as(start.output()).isZero();
        assertThat(repo.userState()).isEqualTo(before);
        assertThat(repo.read("calc.py")).contains("a - b");
        assertThat(repo.git("show", "vivarium/fix_add:calc.py")).contains("a + b");
        assertThat(repo.git("diff", "--name-only", "main", "vivarium/fix_add").strip()).isEqualTo("calc.py");
    }
}
