package io.vivarium.code;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.grind.GrindControl;
import io.vivarium.grind.GrindEngine;
import io.vivarium.grind.GrindRequest;
import io.vivarium.grind.GrindSettings;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliRun;
import io.vivarium.support.UserRepo;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Task;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A code grind keeps the task's timeout as a command grind does. */
class CodeGrindTimeoutTest {

    @TempDir
    Path dir;

    @Test
    void aCodeGrindsCommandIsKilledAtTheTimeoutAndTheGrindFailsTimedOut() {
        UserRepo repo = UserRepo.init(dir);
        repo.write("calc.py", "def add(a, b):\n    return a - b\n");
        repo.commitAll("first");
        CliRun added = CliRun.in(dir, "add", "slow", "grind", "--worktree", "--description", "Slow",
                "--max", "5", "--command", "sleep 60");
        assertThat(added.exitCode()).as(added.err()).isZero();
        Task task = new FileTaskStore(dir, Clock.systemUTC()).find("slow").orElseThrow().task();
        GrindEngine engine = new GrindEngine(dir, GrindSettings.defaults(), null);
        CodeGrinds grinds = new CodeGrinds(engine, CodeSettings.of(null, null, null, null), id -> Optional.empty());
        GrindRequest request = new GrindRequest(task.id(), task.command(), task.prompt(), task.minBudget(),
                task.maxBudget(), task.intensity(), Duration.ofSeconds(1), task);
        long started = System.nanoTime();

        GrindResult result = grinds.run(request, GrindControl.none());

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        assertThat(result.succeeded()).isFalse();
        assertThat(result.error()).isEqualTo("timed out after 1s");
        assertThat(new io.vivarium.code.git.Worktrees(io.vivarium.code.git.Repository.require(dir)).existing())
                .isEmpty();
    }
}
