package io.vivarium.api;

import io.vivarium.grind.GrindRunner;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.grind.TaskLogs;
import io.vivarium.worker.RetentionChore;
import io.vivarium.worker.WorkerPool;
import io.vivarium.worker.WorkerSettings;
import java.time.Clock;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The server's worker pool: it watches the queue for as long as the service runs, so tasks added from anywhere
 * (CLI, HTTP, another process) are worked without a separate {@code start}. On shutdown it releases its claims.
 */
public class EmbeddedWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedWorkers.class);

    private final WorkerPool pool;
    private final VivariumProperties properties;
    private final RetentionChore retention;
    private volatile boolean running;

    EmbeddedWorkers(TaskStore store, GrindRunner grinds, VivariumProperties properties, StoreSettings storeSettings,
                    Clock clock, VivariumMetrics metrics) {
        this.properties = properties;
        this.pool = properties.workers() == 0 ? null : new WorkerPool(store, grinds,
                WorkerSettings.batch(properties.workers(), storeSettings.heartbeatInterval()).watching(),
                clock, metrics);
        this.retention = properties.retention() == null ? null
                : new RetentionChore(store, properties.retention(), clock, gone -> forgetLogs(properties, gone));
    }

    private static void forgetLogs(VivariumProperties properties, List<String> gone) {
        TaskLogs logs = new TaskLogs(properties.workspace());
        for (String id : gone) {
            try {
                logs.remove(id);
            } catch (IOException e) {
                // only disk space: the task is gone
            }
        }
        log.info("retention {}: pruned {} completed task(s)", properties.retention(), gone.size());
    }

    public Optional<WorkerPool> pool() {
        return Optional.ofNullable(pool);
    }

    @Override
    public void start() {
        if (retention != null) {
            retention.start();
        }
        if (pool != null) {
            pool.start();
            log.info("{} embedded workers ({}) watching {}", properties.workers(), pool.identity().workerId(),
                    properties.workspace().toAbsolutePath().normalize());
        } else {
            log.info("no embedded workers (--workers 0): serving the API only");
        }
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (retention != null) {
            retention.close();
        }
        if (pool == null) {
            return;
        }
        try {
            pool.shutdown(properties.shutdownGrace());
            log.info("embedded workers stopped; claims released");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
