package io.vivarium.code.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vivarium.support.UserRepo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A git call ends at its timeout, with the processes it started, and keeps a bounded amount of output. */
class GitCallLimitsTest {

    @TempDir
    Path dir;

    @Test
    void aHangingFetchEndsAtTheTimeoutAndItsSshIsKilled() {
        UserRepo repo = UserRepo.init(dir);
        repo.write("a.txt", "a\n");
        repo.commitAll("first");
        String marker = "sleep 4321 #";
        repo.git("config", "core.sshCommand", marker);
        repo.git("remote", "add", "origin", "ssh://nowhere.invalid/repo.git");
        long started = System.nanoTime();

        assertThatThrownBy(() -> new Git(dir, Duration.ofSeconds(2)).call("fetch", "-q", "origin"))
                .isInstanceOf(GitException.class).hasMessageContaining("did not finish within 2 s");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.allProcesses()
                .noneMatch(p -> p.info().arguments().map(List::of).orElse(List.of()).contains("4321")));
    }

    @Test
    void outputBeyondTheLimitIsReadAndDropped() {
        UserRepo repo = UserRepo.init(dir);
        repo.write("big.txt", "x".repeat(3 * Commits.PATCH_LIMIT));
        repo.commitAll("big");

        Git.Result shown = new Git(dir).call("show", "HEAD:big.txt");

        assertThat(shown.ok()).isTrue();
        assertThat(shown.out()).hasSize(Git.OUTPUT_LIMIT);
    }
}
