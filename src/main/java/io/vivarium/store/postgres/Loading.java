package io.vivarium.store.postgres;

import io.vivarium.store.Snapshot;
import io.vivarium.store.StoreException;
import io.vivarium.store.postgres.RunWrites.RunChange;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A whole queue moved in from elsewhere (a workspace's files): every task as it was defined, every run entry as it
 * was logged, in their orders. Only into an empty store, and only a queue at rest: a task in progress has a grind
 * running under a claim that cannot move with it.
 */
final class Loading {

    /** Locked until the load commits: nobody adds a task meanwhile. */
    private static final String COUNT = "SELECT count(*) FROM vivarium_task";
    private static final String LOCK = "LOCK TABLE vivarium_task IN SHARE ROW EXCLUSIVE MODE";

    private Loading() {
    }

    static void load(Tx tx, Snapshot snapshot, ConnectionSettings where) throws SQLException {
        snapshot.runs().forEach((id, run) -> {
            if (run.status() == TaskStatus.IN_PROGRESS) {
                throw new StoreException("task '" + id + "' is in progress: stop the workers (or wait for them)"
                        + " before moving the queue");
            }
        });
        try (PreparedStatement lock = tx.prepare(LOCK)) {
            lock.execute();
        }
        try (PreparedStatement ps = tx.prepare(COUNT); ResultSet rs = ps.executeQuery()) {
            rs.next();
            long present = rs.getLong(1);
            if (present > 0) {
                throw new StoreException("the PostgreSQL store " + where + " already holds " + present
                        + " task" + (present == 1 ? "" : "s") + ": a queue moves only into an empty store");
            }
        }
        if (snapshot.tasks().isEmpty()) {
            return;
        }
        Map<String, Long> places = Definitions.insert(tx, snapshot.tasks());
        List<RunChange> runs = new ArrayList<>();
        for (Map.Entry<String, TaskRun> run : snapshot.runs().entrySet()) {
            Long seq = places.get(run.getKey());
            if (seq == null) {
                // A store row holds a task and its entry together: an entry without its task has nowhere to go.
                throw new StoreException("the run entry of '" + run.getKey() + "' belongs to no task in the queue:"
                        + " remove the entry, or add the task back, before moving the queue");
            }
            runs.add(new RunChange(seq, run.getValue()));
        }
        RunWrites.write(tx, runs);
        tx.changed();
    }
}
