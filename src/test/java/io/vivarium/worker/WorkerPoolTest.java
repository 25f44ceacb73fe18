package io.vivarium.worker;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.grind.GrindEngine;
import io.vivarium.grind.GrindSettings;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.task.RetryPolicy;
import io.vivarium.task.TaskStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerPoolTest {

    @TempDir
    Path workspace;

    /**
     * Regression (found by the contention campaign): a task that fails with no backoff is runnable again in the very
     * commit that records the failure, while its claim file is still there; nothing else changes afterwards to wake
     * the dispatcher. It must still run again.
     */
    @Test
    void aTaskThatFailsWithNoBackoffRunsAgainRightAway() throws Exception {
        FileTaskStore store = new FileTaskStore(workspace, Clock.systemUTC(),
                StoreSettings.withLease(Duration.ofSeconds(30), new RetryPolicy(Duration.ZERO, Duration.ZERO)));
        store.add(List.of(aTask("flaky").command("test -f marker || { touch marker; exit 1; }").build()));
        WorkerPool pool = new WorkerPool(store, new GrindEngine(workspace, GrindSettings.defaults(), null),
                WorkerSettings.batch(1, Duration.ofMillis(400)).watching(), Clock.systemUTC(), PoolListener.NONE);
        pool.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> store.snapshot().summary().completed() == 1);
            assertThat(store.snapshot().runOf("flaky").attempts()).isEqualTo(2);
            assertThat(store.snapshot().statusOf("flaky")).isEqualTo(TaskStatus.COMPLETED);
        } finally {
            pool.shutdown(Duration.ZERO);
        }
    }
}
