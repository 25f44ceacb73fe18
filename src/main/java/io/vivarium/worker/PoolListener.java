package io.vivarium.worker;

import io.vivarium.store.CommitResult;
import io.vivarium.store.Lease;
import io.vivarium.store.Takeover;
import io.vivarium.task.GrindResult;
import java.time.Duration;

/** What a worker pool tells the outside (progress lines, metrics, logs). Called from pool threads; keep it quick. */
public interface PoolListener {

    default void started(Lease lease) {
    }

    default void finished(Lease lease, GrindResult result, Duration took) {
    }

    /** The claim was lost before the result could be recorded; nothing was recorded. */
    default void lost(Lease lease) {
    }

    default void tookOver(Takeover takeover) {
    }

    default void committed(CommitResult result) {
    }

    /** The store could not be read or written; the pool retries unless it is told to stop. */
    default void failed(RuntimeException error) {
    }

    PoolListener NONE = new PoolListener() {
    };
}
