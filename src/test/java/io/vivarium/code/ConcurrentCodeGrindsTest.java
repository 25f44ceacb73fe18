package io.vivarium.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.code.git.Repository;
import io.vivarium.code.git.Worktrees;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import io.vivarium.support.UserRepo;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many code grinds on one repository at once, and a worker killed with its worktree open. */
class ConcurrentCodeGrindsTest {

    @TempDir
    Path dir;

    UserRepo repo;

    @BeforeEach
    void repository() {
        repo = UserRepo.init(dir);
        for (int i = 0; i < 50; i++) {
            repo.write("src/file" + i + ".txt", "line " + i + "\n");
        }
        repo.commitAll("first");
    }

    private TaskRun run(String id) {
        return new FileTaskStore(dir, Clock.systemUTC()).find(id).orElseThrow().run();
    }

    @Test
    void eightCodeGrindsAtOnceEachCommitOnItsOwnBranch() {
        UserRepo.UserState before = repo.userState();
        for (int i = 0; i < 8; i++) {
            CliRun.in(dir, "add", "t" + i, "grind", "--worktree", "--max-attempts", "1",
                    "--command", "echo t" + i + " >> src/file" + i + ".txt && echo new > new" + i + ".txt");
        }

        CliRun start = CliRun.in(dir, "start", "8");

        assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
        for (int i = 0; i < 8; i++) {
            TaskRun run = run("t" + i);
            assertThat(run.status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(repo.log("vivarium/t" + i)).hasSize(2);
            assertThat(repo.git("diff", "--name-only", before.head(), "vivarium/t" + i).lines())
                    .containsExactly("new" + i + ".txt", "src/file" + i + ".txt");
            assertThat(run.code().base()).isEqualTo(before.head());
        }
        assertThat(repo.userState()).isEqualTo(before);
        assertThat(new Worktrees(Repository.require(dir)).existing()).isEmpty();
        assertThat(repo.git("worktree", "list").lines()).hasSize(1);
    }

    @Test
    void twoProcessesOfFourWorkersShareOneRepositorysLock(@TempDir Path scratch) throws Exception {
        UserRepo.UserState before = repo.userState();
        for (int i = 0; i < 12; i++) {
            CliRun.in(dir, "add", "p" + i, "grind", "--worktree", "--max-attempts", "1",
                    "--command", "echo p" + i + " >> src/file" + i + ".txt");
        }

        CliProcess one = CliProcess.start(scratch.resolve("one.out"), "start", "4", "--workspace", dir.toString());
        CliProcess two = CliProcess.start(scratch.resolve("two.out"), "start", "4", "--workspace", dir.toString());

        assertThat(one.waitFor(180)).as(one.output()).isZero();
        assertThat(two.waitFor(180)).as(two.output()).isZero();
        for (int i = 0; i < 12; i++) {
            assertThat(run("p" + i).status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(repo.git("diff", "--name-only", before.head(), "vivarium/p" + i).strip())
                    .isEqualTo("src/file" + i + ".txt");
        }
        assertThat(repo.userState()).isEqualTo(before);
        assertThat(repo.git("worktree", "list").lines()).hasSize(1);
    }

    @Test
    void aWorkerKilledMidGrindLeavesNoWorktreeOnceTakenOverAndTheRerunSucceeds(@TempDir Path scratch)
            throws Exception {
        Path mark = scratch.resolve("first-run");
        // The first run marks itself and hangs; the rerun finds the mark and does the work.
        CliRun.in(dir, "add", "fix", "grind", "--worktree", "--command",
                "if [ -f " + mark + " ]; then echo fixed >> src/file1.txt; else touch " + mark + "; sleep 120; fi");
        UserRepo.UserState before = repo.userState();
        CliProcess worker = CliProcess.start(scratch.resolve("worker.out"), "worker", "run", "--workspace", dir.toString());
        Path tree = dir.resolve(".git/vivarium/worktrees/fix");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(mark));
        assertThat(tree).isDirectory();

        worker.signal("KILL");
        worker.waitFor(30);

        CliRun start = CliRun.in(dir, "start", "1");

        assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
        TaskRun run = run("fix");
        assertThat(run.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(run.attempts()).isEqualTo(2);
        assertThat(repo.git("show", "vivarium/fix:src/file1.txt")).isEqualTo("line 1\nfixed\n");
        assertThat(repo.log("vivarium/fix")).hasSize(2);
        assertThat(tree).doesNotExist();
        assertThat(new Worktrees(Repository.require(dir)).existing()).isEmpty();
        assertThat(repo.git("worktree", "list").lines()).hasSize(1);
        assertThat(repo.userState()).isEqualTo(before);
    }

    @Test
    void theNextStartRemovesAWorktreeWhoseOwnerDied(@TempDir Path scratch) throws Exception {
        Path mark = scratch.resolve("started");
        CliRun.in(dir, "add", "hang", "grind", "--worktree", "--command", "touch " + mark + "; sleep 120");
        CliProcess worker = CliProcess.start(scratch.resolve("worker.out"), "worker", "run", "--workspace", dir.toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(mark));
        worker.signal("KILL");
        worker.waitFor(30);
        CliRun.in(dir, "cancel", "hang");
        assertThat(dir.resolve(".git/vivarium/worktrees/hang")).isDirectory();

        CliRun.in(dir, "start", "1");

        assertThat(dir.resolve(".git/vivarium/worktrees/hang")).doesNotExist();
        assertThat(repo.git("worktree", "list").lines()).hasSize(1);
    }
}
