package io.vivarium.store.postgres;

import io.vivarium.store.StoreException;
import io.vivarium.store.WorkspaceJson;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import tools.jackson.core.JacksonException;

/**
 * Task definitions and run entries as the rows hold them: the JSON of {@code queue.json}'s tasks and of
 * {@code execution_log.json}'s entries, by the workspace files' own mapper, so the same objects come back.
 */
final class Documents {

    private Documents() {
    }

    static String json(Object value) {
        return new String(WorkspaceJson.compact(value), StandardCharsets.UTF_8);
    }

    static Task task(ResultSet rs) throws SQLException {
        return parse(rs, "definition", Task.class);
    }

    /** The run entry, or null for a task that has none yet (pending, never claimed). */
    static TaskRun run(ResultSet rs) throws SQLException {
        return parse(rs, "run", TaskRun.class);
    }

    private static <T> T parse(ResultSet rs, String column, Class<T> type) throws SQLException {
        String text = rs.getString(column);
        if (text == null) {
            return null;
        }
        try {
            return WorkspaceJson.mapper().readValue(text, type);
        } catch (JacksonException | IllegalArgumentException e) {
            // Rows are written only from valid objects; this one was edited by hand.
            throw new StoreException("task row " + rs.getString("id") + " holds an invalid " + column + " ("
                    + e.getMessage().lines().findFirst().orElse("") + "); fix or delete the row");
        }
    }
}
