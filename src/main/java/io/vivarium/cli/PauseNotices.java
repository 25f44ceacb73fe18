package io.vivarium.cli;

import io.vivarium.store.QueueStatus;
import io.vivarium.store.TaskStore;
import io.vivarium.task.FlowSettings;
import java.io.PrintWriter;

/**
 * What a running pool tells its user about the pauses: one line when the workspace or a queue with pending tasks is
 * found paused, and one when it is resumed. A pause outlives the command that set it, so a pool started later waits
 * without a word otherwise, and looks hung.
 */
final class PauseNotices {

    private FlowSettings shown = FlowSettings.NONE;

    /** Prints what changed since the last call; a store that cannot be read now is left to the pool to report. */
    void check(TaskStore store, PrintWriter out, boolean midLine) {
        FlowSettings now;
        try {
            now = store.flowSettings();
        } catch (RuntimeException unreadable) {
            return;
        }
        if (now.equals(shown)) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        if (now.paused() && !shown.paused()) {
            lines.append("The workspace is paused: nothing starts until 'vivarium resume'; running grinds finish.\n");
        } else if (!now.paused() && shown.paused()) {
            lines.append("The workspace was resumed.\n");
        }
        boolean newlyPausedQueue = now.queues().entrySet().stream()
                .anyMatch(e -> e.getValue().paused() && !shown.of(e.getKey()).paused());
        if (newlyPausedQueue) {
            for (QueueStatus queue : store.queues()) {
                int pending = queue.tasks().pending();
                if (queue.limits().paused() && !shown.of(queue.name()).paused() && pending > 0) {
                    lines.append("queue '").append(queue.name()).append("' is paused: ").append(pending)
                            .append(pending == 1 ? " task waits" : " tasks wait").append(" for 'vivarium queue resume ")
                            .append(queue.name()).append("'\n");
                }
            }
        }
        shown = now;
        if (!lines.isEmpty()) {
            out.print((midLine ? "\n" : "") + lines);
            out.flush();
        }
    }
}
