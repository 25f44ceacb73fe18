package io.vivarium.code;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.code.review.Reviews;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliRun;
import io.vivarium.support.UserRepo;
import io.vivarium.task.CodeRun;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** review, diff, accept and reject through the real CLI, on a real repository. */
class ReviewVerbsTest {

    private static final String CALC = "def add(a, b):\n    return a - b\n\n\n\n\ndef mul(a, b):\n    return a + b\n";

    @TempDir
    Path dir;

    UserRepo repo;

    @BeforeEach
    void repository() {
        repo = UserRepo.init(dir);
        repo.write("calc.py", CALC);
        repo.commitAll("first");
    }

    private TaskRun run(String id) {
        return new FileTaskStore(dir, Clock.systemUTC()).find(id).orElseThrow().run();
    }

    private void grind(String id, String command) {
        CliRun added = CliRun.in(dir, "add", id, "grind", "--worktree", "--description", "Fix " + id,
                "--command", command);
        assertThat(added.exitCode()).as(added.err()).isZero();
    }

    @Test
    void twoAcceptedBranchesTouchingDifferentFunctionsOfOneFileBothLand() {
        grind("fix_add", "sed -i 's/a - b/a + b/' calc.py");
        grind("fix_mul", "sed -i 's/return a + b$/return a * b/; 2s/.*/    return a - b/' calc.py && "
                + "sed -i '8s/.*/    return a * b/' calc.py");
        assertThat(CliRun.in(dir, "start", "2").exitCode()).isZero();

        CliRun review = CliRun.in(dir, "review");
        assertThat(review.out()).contains("2 changes wait for review", "fix_add", "vivarium/fix_mul",
                "1 file +1 -1", "no check");

        CliRun first = CliRun.in(dir, "accept", "fix_add");
        CliRun second = CliRun.in(dir, "accept", "fix_mul");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(first.out()).startsWith("Accepted fix_add: vivarium/fix_add merged into main as ");
        assertThat(repo.read("calc.py")).contains("    return a + b\n\n", "    return a * b\n");
        assertThat(repo.git("status", "--porcelain").strip()).isEmpty();
        assertThat(run("fix_add").code().review()).isEqualTo(CodeRun.Review.ACCEPTED);
        assertThat(CliRun.in(dir, "review").out()).contains("No changes wait for review.");

        CliRun again = CliRun.in(dir, "accept", "fix_add");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err().strip()).isEqualTo("vivarium accept: fix_add's change is not waiting for review (it is accepted)");
    }

    @Test
    void aDirtyAcceptIsRefusedAndChangesNothing() {
        grind("fix_add", "sed -i 's/a - b/a + b/' calc.py");
        CliRun.in(dir, "start", "1");
        repo.write("calc.py", CALC + "# the user's edit\n");
        UserRepo.UserState before = repo.userState();

        CliRun accept = CliRun.in(dir, "accept", "fix_add");

        assertThat(accept.exitCode()).isEqualTo(2);
        assertThat(accept.err().lines()).containsExactly("vivarium accept: not accepted: uncommitted changes in calc.py, which "
                + "fix_add changes; commit or stash them first");
        assertThat(repo.userState()).isEqualTo(before);
        assertThat(run("fix_add").code().review()).isEqualTo(CodeRun.Review.PENDING);
    }

    @Test
    void aChangeThatDoesNotMergeIsRefusedAndChangesNothing() {
        grind("fix_add", "sed -i 's/a - b/a + b/' calc.py");
        CliRun.in(dir, "start", "1");
        repo.write("calc.py", CALC.replace("a - b", "b - a"));
        repo.commitAll("the user's own fix");
        UserRepo.UserState before = repo.userState();

        CliRun accept = CliRun.in(dir, "accept", "fix_add");

        assertThat(accept.exitCode()).isEqualTo(2);
        assertThat(accept.err().strip()).isEqualTo(
                "vivarium accept: not accepted: vivarium/fix_add does not apply cleanly: conflicts in calc.py");
        assertThat(repo.userState()).isEqualTo(before);
    }

    @Test
    void diffPrintsTheStoredPatchColouredWhenAsked() {
        grind("fix_add", "sed -i 's/a - b/a + b/' calc.py");
        CliRun.in(dir, "start", "1");

        CliRun plain = CliRun.in(dir, "diff", "fix_add");
        CliRun coloured = CliRun.in(dir, "diff", "fix_add", "--color", "always");

        assertThat(plain.out()).startsWith("diff --git a/calc.py b/calc.py").contains("-    return a - b\n+    return a + b\n");
        assertThat(plain.out()).isEqualTo(repo.git("diff", "--binary", run("fix_add").code().base(), "vivarium/fix_add"));
        assertThat(coloured.out()).contains("\u001b[31m-    return a - b\u001b[m", "\u001b[32m+    return a + b\u001b[m");
        CliRun none = CliRun.in(dir, "diff", "nope");
        assertThat(none.exitCode()).isEqualTo(2);
    }

    @Test
    void rejectWithRetryRunsTheTaskAgainWithTheFeedback() {
        grind("fix_add", "sed -i 's/a - b/a + b/' calc.py");
        CliRun.in(dir, "start", "1");

        CliRun reject = CliRun.in(dir, "reject", "fix_add", "--retry", "--feedback", "use operator.add");

        assertThat(reject.exitCode()).as(reject.err()).isZero();
        TaskRun run = run("fix_add");
        assertThat(run.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(run.code().review()).isEqualTo(CodeRun.Review.REJECTED);
        assertThat(run.code().feedback()).isEqualTo("use operator.add");
        assertThat(CliRun.in(dir, "start", "1").exitCode()).isZero();
        assertThat(run("fix_add").code().review()).isEqualTo(CodeRun.Review.PENDING);
    }

    @Test
    void aCloneWithoutTheCommitAcceptsFromTheStoredPatch(@TempDir Path elsewhere) {
        repo.git("clone", "-q", "--bare", dir.toString(), elsewhere.resolve("origin.git").toString());
        grind("fix_add", "sed -i 's/a - b/a + b/' calc.py");
        CliRun.in(dir, "start", "1");
        Path other = elsewhere.resolve("other");
        repo.git("clone", "-q", elsewhere.resolve("origin.git").toString(), other.toString());
        UserRepo clone = new UserRepo(other);
        clone.git("config", "user.name", "Other");
        clone.git("config", "user.email", "other@example.com");

        try (var store = new FileTaskStore(dir, Clock.systemUTC())) {
            Reviews.Accepted accepted = new Reviews(store, other).accept("fix_add");
            assertThat(accepted.commit()).isEqualTo(clone.head());
        }

        assertThat(clone.read("calc.py")).contains("return a + b");
        assertThat(clone.git("log", "-1", "--format=%B")).contains("Vivarium-Task: fix_add");
    }
}
