package io.vivarium.store;

import io.vivarium.task.TaskStatus;
import java.util.List;

/** The rule every store applies before {@link TaskStore#load}: nothing in progress may move. */
public final class Loading {

    private Loading() {
    }

    public static void check(Snapshot snapshot) {
        List<String> running = snapshot.tasks().stream()
                .filter(t -> snapshot.statusOf(t.id()) == TaskStatus.IN_PROGRESS)
                .map(t -> t.id())
                .toList();
        if (!running.isEmpty()) {
            throw new StoreException(running.size() + " task" + (running.size() == 1 ? " is" : "s are")
                    + " in progress (" + String.join(", ", running.subList(0, Math.min(5, running.size())))
                    + (running.size() > 5 ? ", …" : "") + "): stop the workers, or let them finish, before moving the queue");
        }
    }
}
