package io.vivarium.code;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import io.vivarium.support.UserRepo;
import io.vivarium.support.WorkspaceFiles;
import io.vivarium.task.CodeRun;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Command grinds in a worktree, through the real CLI, on a real repository with the real git. */
class CommandGrindsTest {

    @TempDir
    Path dir;

    UserRepo repo;

    @BeforeEach
    void repository() {
        repo = UserRepo.init(dir);
        repo.write("app/calc.py", "def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n");
        repo.commitAll("first");
    }

    private TaskRun run(String id) {
        return new FileTaskStore(dir, Clock.systemUTC()).find(id).orElseThrow().run();
    }

    @Test
    void aCommandGrindCommitsItsChangeOnItsBranchAndLeavesTheUsersTreeAlone() throws Exception {
        repo.write("notes.txt", "the user's uncommitted work\n");
        UserRepo.UserState before = repo.userState();
        Path where = dir.resolveSibling(dir.getFileName() + "-where");
        CliRun added = CliRun.in(dir, "add", "fix_add", "grind", "--worktree", "--description", "Fix add",
                "--command", "sed -i 's/a - b/a + b/' app/calc.py && pwd > " + where, "--check", "grep -q 'a + b' app/calc.py");
        assertThat(added.exitCode()).as(added.err()).isZero();

        CliRun start = CliRun.in(dir, "start", "1");

        assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
        assertThat(repo.userState()).isEqualTo(before);
        assertThat(repo.read("app/calc.py")).contains("a - b");
        String base = before.head();
        assertThat(repo.log("vivarium/fix_add")).hasSize(2);
        assertThat(repo.git("log", "-1", "--format=%B", "vivarium/fix_add")).isEqualTo("Fix add\n\nVivarium-Task: fix_add\n\n");
        assertThat(repo.git("log", "-1", "--format=%an <%ae>", "vivarium/fix_add").strip())
                .isEqualTo("Test User <test@example.com>");
        assertThat(repo.git("show", "vivarium/fix_add:app/calc.py")).contains("return a + b");

        CodeRun code = run("fix_add").code();
        assertThat(run("fix_add").status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(code.branch()).isEqualTo("vivarium/fix_add");
        assertThat(code.base()).isEqualTo(base);
        assertThat(code.commit()).isEqualTo(repo.git("rev-parse", "vivarium/fix_add").strip());
        assertThat(code.changes()).isEqualTo(new CodeRun.Changes(1, 1, 1));
        assertThat(code.check().command()).isEqualTo("grep -q 'a + b' app/calc.py");
        assertThat(code.check().passed()).isTrue();
        assertThat(code.check().exitCode()).isZero();
        assertThat(code.review()).isEqualTo(CodeRun.Review.PENDING);
        assertThat(code.patch()).contains("-    return a - b", "+    return a + b");
        // The grind ran outside the user's tree, and its worktree is gone.
        assertThat(Files.readString(where).strip()).isEqualTo(dir.resolve(".git/vivarium/worktrees/fix_add").toString());
        assertThat(Files.exists(dir.resolve(".git/vivarium/worktrees/fix_add"))).isFalse();
        assertThat(repo.git("worktree", "list").lines()).hasSize(1);

        JsonNode entry = WorkspaceFiles.log(dir).get("tasks").get("fix_add");
        assertThat(entry.get("branch").asString()).isEqualTo("vivarium/fix_add");
        assertThat(entry.get("changes").get("insertions").asInt()).isEqualTo(1);
        assertThat(entry.get("check").get("passed").asBoolean()).isTrue();
        assertThat(entry.get("review").asString()).isEqualTo("pending");
    }

    @Test
    void noChangeFailsTheGrindAndTheCommitIsNull() {
        CliRun.in(dir, "add", "idle", "grind", "--worktree", "--command", "true", "--max-attempts", "1");

        CliRun start = CliRun.in(dir, "start", "1");

        assertThat(start.exitCode()).isEqualTo(1);
        TaskRun run = run("idle");
        assertThat(run.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(run.error()).isEqualTo("no change");
        assertThat(run.code().commit()).isNull();
        JsonNode entry = WorkspaceFiles.log(dir).get("tasks").get("idle");
        assertThat(entry.has("commit")).isTrue();
        assertThat(entry.get("commit").isNull()).isTrue();
    }

    @Test
    void aFailingCheckFailsTheAttemptWithItsOutput() {
        CliRun.in(dir, "add", "wrong", "grind", "--worktree", "--command", "echo x >> app/calc.py",
                "--check", "echo 1 failed, 0 passed; exit 3", "--max-attempts", "1");

        CliRun.in(dir, "start", "1");

        TaskRun run = run("wrong");
        assertThat(run.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(run.error()).isEqualTo("check failed: echo 1 failed, 0 passed; exit 3 exited 3");
        assertThat(run.code().check().exitCode()).isEqualTo(3);
        assertThat(run.code().check().output()).contains("1 failed, 0 passed");
        assertThat(run.code().commit()).isNotNull();
        assertThat(run.code().review()).isNull();
    }

    @Test
    void noCheckGivenOrDetectedSaysSo() {
        CliRun.in(dir, "add", "fmt", "grind", "--worktree", "--command", "echo '# formatted' >> app/calc.py");

        CliRun.in(dir, "start", "1");

        TaskRun run = run("fmt");
        assertThat(run.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(run.code().check().command()).isNull();
        assertThat(run.code().check().output()).startsWith("no check");
    }

    @Test
    void theBudgetCapsCommandAndCheckTogetherAndPartialWorkIsCommitted() {
        // $0.01/s at medium intensity: a $0.02 cap buys two seconds, the command takes most and the check the rest.
        CliRun.in(dir, "add", "slow", "grind", "--worktree", "--min", "0.01", "--max", "0.02",
                "--command", "echo partial >> app/calc.py; sleep 1.5", "--check", "sleep 30");

        CliRun.in(dir, "start", "1");

        TaskRun run = run("slow");
        assertThat(run.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(run.error()).startsWith("budget exhausted at the $0.02 cap; partial work committed on vivarium/slow");
        assertThat(run.budgetUsed()).isEqualTo(0.02);
        assertThat(repo.git("show", "vivarium/slow:app/calc.py")).contains("partial");
        // On a slow machine the command alone may reach the cap: then the check never starts.
        assertThat(run.code().check() == null || !run.code().check().passed()).isTrue();
    }

    @Test
    void aTaskThatDependsOnACodeTaskStartsFromItsCommit() {
        CliRun.in(dir, "add", "one", "grind", "--worktree", "--command", "echo one > one.txt");
        CliRun.in(dir, "add", "two", "grind", "--worktree", "--command", "test -f one.txt && echo two > two.txt",
                "--depends-on", "one", "--max-attempts", "1");

        CliRun start = CliRun.in(dir, "start", "2");

        assertThat(start.exitCode()).as(start.out()).isZero();
        assertThat(run("two").code().base()).isEqualTo(run("one").code().commit());
        assertThat(repo.git("ls-tree", "--name-only", "vivarium/two")).contains("one.txt", "two.txt");
    }

    @Test
    void severalCodeDependenciesAreMergedAndAConflictNamesThePaths() {
        CliRun.in(dir, "add", "a", "grind", "--worktree", "--command", "echo a > a.txt");
        CliRun.in(dir, "add", "b", "grind", "--worktree", "--command", "echo b > b.txt");
        CliRun.in(dir, "add", "c1", "grind", "--worktree", "--command", "echo c > c.txt", "--depends-on", "a,b");
        CliRun.in(dir, "add", "x", "grind", "--worktree", "--command", "echo x > same.txt");
        CliRun.in(dir, "add", "y", "grind", "--worktree", "--command", "echo y > same.txt");
        CliRun.in(dir, "add", "z", "grind", "--worktree", "--command", "echo z > z.txt", "--depends-on", "x,y");

        CliRun.in(dir, "start", "3");

        assertThat(run("c1").status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(repo.git("ls-tree", "--name-only", "vivarium/c1")).contains("a.txt", "b.txt", "c.txt");
        assertThat(run("z").status()).isEqualTo(TaskStatus.FAILED);
        assertThat(run("z").error()).isEqualTo("the commits this task depends on conflict in same.txt");
    }

    @Test
    void worktreeTasksNeedAGitRepository(@TempDir Path plain) {
        CliRun added = CliRun.in(plain, "add", "t", "grind", "--worktree", "--command", "true");

        assertThat(added.exitCode()).isEqualTo(2);
        assertThat(added.err().strip()).contains("not in one").doesNotContain("\n");
        assertThat(Files.exists(plain.resolve("queue.json")) && WorkspaceFiles.queue(plain).toString().contains("\"t\""))
                .isFalse();
    }

    @Test
    void withoutGitAWorktreeTaskIsRefusedWithOneLine(@TempDir Path scratch) throws Exception {
        CliProcess add = CliProcess.start(scratch.resolve("add.out"), java.util.Map.of("PATH", scratch.toString()),
                "add", "t", "grind", "--worktree", "--command", "true", "--workspace", dir.toString());

        assertThat(add.waitFor(60)).isEqualTo(2);
        assertThat(add.output().strip()).isEqualTo(
                "vivarium add: --worktree: git is not installed or not on the PATH; install git to use code grinds");
    }
}
