package io.vivarium.code;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliRun;
import io.vivarium.support.UserRepo;
import io.vivarium.task.TaskStatus;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user's git config must not change what Vivarium does: signing that cannot work, prefixes patches lack. */
class UserGitConfigTest {

    @TempDir
    Path dir;

    @Test
    void signingAndNoPrefixInTheUsersConfigChangeNothing() {
        UserRepo repo = UserRepo.init(dir);
        repo.write("calc.py", "def add(a, b):\n    return a - b\n");
        repo.commitAll("first");
        repo.git("config", "commit.gpgsign", "true");
        repo.git("config", "gpg.program", "false");
        repo.git("config", "diff.noprefix", "true");
        repo.git("config", "diff.mnemonicPrefix", "true");
        CliRun added = CliRun.in(dir, "add", "fix_add", "grind", "--worktree", "--description", "Fix add",
                "--command", "sed -i 's/a - b/a + b/' calc.py");
        assertThat(added.exitCode()).as(added.err()).isZero();

        CliRun start = CliRun.in(dir, "start", "1");

        assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
        var run = new FileTaskStore(dir, Clock.systemUTC()).find("fix_add").orElseThrow().run();
        assertThat(run.status()).as(run.toString()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(run.code().patch()).contains("--- a/calc.py\n+++ b/calc.py\n");
        CliRun accept = CliRun.in(dir, "accept", "fix_add");
        assertThat(accept.exitCode()).as(accept.err()).isZero();
        assertThat(repo.read("calc.py")).contains("a + b");
        assertThat(repo.git("status", "--porcelain").strip()).isEmpty();
    }
}
