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

    private UserRepo cloneWithoutTheCommit(Path elsewhere) {
        repo.git("clone", "-q", "--bare", dir.toString(), elsewhere.resolve("origin.git").toString());
        repo.git("update-ref", "-d", "refs/heads/vivarium/fix_add");
        Path other = elsewhere.resolve("other");
        // The bare origin has the branch; the clone is made from a copy without it.
        repo.git("clone", "-q", "--no-local", dir.toString(), other.toString());
        UserRepo clone = new UserRepo(other);
        clone.git("remote", "set-url", "origin", elsewhere.resolve("nowhere.git").toString());
        clone.git("config", "user.name", "Other");
        clone.git("config", "user.email", "other@example.com");
        return clone;
    }

    private int acceptIn(UserRepo clone) {
        try (var store = new io.vivarium.store.file.FileTaskStore(dir, java.time.Clock.systemUTC())) {
            new io.vivarium.code.review.Reviews(store, clone.root()).accept("fix_add");
            return 0;
        } catch (io.vivarium.task.ReviewException e) {
            return 2;
        } catch (RuntimeException e) {
            assertThat(e).hasMessageContaining("git commit failed");
            return 1;
        }
    }

    @Test
    void aPatchAcceptWithStagedChangesIsRefused(@TempDir Path elsewhere) {
        UserRepo clone = cloneWithoutTheCommit(elsewhere);
        clone.write("notes.txt", "staged by the user\n");
        clone.git("add", "notes.txt");
        UserRepo.UserState before = clone.userState();

        assertThat(acceptIn(clone)).isEqualTo(2);
        assertThat(clone.userState()).isEqualTo(before);
        assertThat(clone.git("diff", "--cached", "--name-only").strip()).isEqualTo("notes.txt");
    }

    @Test
    void aPatchAcceptWhoseCommitFailsLeavesNothingHalfDone(@TempDir Path elsewhere) throws Exception {
        UserRepo clone = cloneWithoutTheCommit(elsewhere);
        UserRepo.UserState before = clone.userState();
        // Another git holds the branch's lock: the commit fails after the patch went into the index.
        Files.writeString(clone.root().resolve(".git/refs/heads/main.lock"), "");

        assertThat(acceptIn(clone)).isNotZero();
        Files.delete(clone.root().resolve(".git/refs/heads/main.lock"));
        assertThat(clone.userState()).isEqualTo(before);
        assertThat(clone.read("calc.py")).contains("a - b");
    }

    @Test
    void aPatchAcceptSeesTheUsersEditsToOddlyNamedFiles(@TempDir Path elsewhere) {
        CliRun added = CliRun.in(dir, "add", "odd", "grind", "--worktree", "--description", "Odd name",
                "--command", "printf 'changed\\n' > 'my notes \u00fc.txt'");
        assertThat(added.exitCode()).as(added.err()).isZero();
        repo.write("my notes \u00fc.txt", "first\n");
        repo.commitAll("odd file");
        assertThat(CliRun.in(dir, "start", "1").exitCode()).isZero();
        repo.git("update-ref", "-d", "refs/heads/vivarium/odd");
        UserRepo clone = cloneWithoutTheCommit(elsewhere);
        clone.write("my notes \u00fc.txt", "the user's edit\n");
        UserRepo.UserState before = clone.userState();

        try (var store = new io.vivarium.store.file.FileTaskStore(dir, java.time.Clock.systemUTC())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> new io.vivarium.code.review.Reviews(store, clone.root()).accept("odd"))
                    .hasMessageContaining("uncommitted changes in");
        }
        assertThat(clone.userState()).isEqualTo(before);
    }
}
