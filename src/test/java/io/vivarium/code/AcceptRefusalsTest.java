package io.vivarium.code;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import io.vivarium.support.UserRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** accept refuses, changing nothing, when the user's repository is in a state it must not build on. */
class AcceptRefusalsTest {

    @TempDir
    Path dir;

    UserRepo repo;

    @BeforeEach
    void repository() {
        repo = UserRepo.init(dir);
        repo.write("calc.py", "def add(a, b):\n    return a - b\n");
        repo.write("notes.txt", "one\n");
        repo.commitAll("first");
        CliRun added = CliRun.in(dir, "add", "fix_add", "grind", "--worktree", "--description", "Fix add",
                "--command", "sed -i 's/a - b/a + b/' calc.py");
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(CliRun.in(dir, "start", "1").exitCode()).isZero();
    }

    @Test
    void theUsersUnfinishedMergeIsRefusedNotAborted() throws Exception {
        repo.git("checkout", "-q", "-b", "side");
        repo.write("notes.txt", "side\n");
        repo.commitAll("side notes");
        repo.git("checkout", "-q", "main");
        repo.write("notes.txt", "main\n");
        repo.commitAll("main notes");
        try {
            repo.git("merge", "-q", "side");
        } catch (RuntimeException conflict) {
            // The user's merge stops on its conflict in notes.txt, as intended.
        }
        assertThat(dir.resolve(".git/MERGE_HEAD")).exists();
        UserRepo.UserState before = repo.userState();
        String mergeHead = Files.readString(dir.resolve(".git/MERGE_HEAD"));

        CliRun accept = CliRun.in(dir, "accept", "fix_add");

        assertThat(accept.exitCode()).isEqualTo(2);
        assertThat(accept.err().lines()).containsExactly("vivarium accept: not accepted: a merge, cherry-pick, "
                + "revert or rebase is in progress (MERGE_HEAD); finish or abort it first");
        assertThat(repo.userState()).isEqualTo(before);
        assertThat(Files.readString(dir.resolve(".git/MERGE_HEAD"))).isEqualTo(mergeHead);
        assertThat(repo.read("notes.txt")).contains("<<<<<<<");
    }
}
