package io.vivarium.store.postgres;

import io.vivarium.store.TaskEntry;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import java.sql.ResultSet;
import java.sql.SQLException;

/** A task's row as read for a change: its place in the queue, definition, run entry (null when none) and fence. */
record TaskRow(long seq, Task task, TaskRun run, long fence) {

    /** The columns {@link #read} needs, for a SELECT list. */
    static final String COLUMNS = "seq, id, definition, run, fence";

    static TaskRow read(ResultSet rs) throws SQLException {
        return new TaskRow(rs.getLong("seq"), Documents.task(rs), Documents.run(rs), rs.getLong("fence"));
    }

    String id() {
        return task.id();
    }

    TaskRun runOrPending() {
        return run == null ? TaskRun.pending() : run;
    }

    TaskEntry entry() {
        return new TaskEntry(task, run);
    }
}
