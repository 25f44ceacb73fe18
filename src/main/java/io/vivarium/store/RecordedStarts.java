package io.vivarium.store;

import io.vivarium.task.PastRun;
import io.vivarium.task.TaskRun;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * The starts a run entry still records: its current attempt's and each past occurrence's. What a store seeds a
 * queue's rate count from when the queue gets its rate; from then on the store counts each start as it claims.
 */
public final class RecordedStarts {

    private RecordedStarts() {
    }

    /**
     * Each moment once, oldest first: a recurring task's entry may still name the start its last past run holds.
     * Empty for a task without an entry (null).
     */
    public static Set<Instant> of(TaskRun run) {
        Set<Instant> starts = new TreeSet<>();
        if (run == null) {
            return starts;
        }
        if (run.startedAt() != null) {
            starts.add(run.startedAt());
        }
        for (PastRun past : run.pastRuns()) {
            if (past.startedAt() != null) {
                starts.add(past.startedAt());
            }
        }
        return starts;
    }
}
