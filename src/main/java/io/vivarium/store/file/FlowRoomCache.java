package io.vivarium.store.file;

import io.vivarium.task.FlowRoom;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.Task;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * What the flow settings leave room for, as {@link WorkspaceState} last built it: a commit asks for every candidate
 * it looks at, and between two changes of a run (which {@link #drop} it) the answer is the same.
 */
final class FlowRoomCache {

    private FlowRoom room;
    private Instant at;
    private Set<String> leased;

    void drop() {
        room = null;
    }

    /**
     * The room at {@code now}: a queue's running tasks are those in progress and those a live lease names
     * ({@code leased}: their grinds run whatever their entries say), its starts what {@code startsIn} keeps.
     */
    FlowRoom at(FlowSettings flow, Instant now, Set<String> leased, Collection<String> inProgress,
                Function<String, Task> taskOf, Function<String, List<Instant>> startsIn) {
        if (!flow.isActive()) {
            return FlowRoom.NONE;
        }
        if (room == null || !now.equals(at) || leased != this.leased) {
            room = FlowRoom.of(flow, now, queue -> runningIn(queue, inProgress, leased, taskOf), startsIn);
            at = now;
            this.leased = leased;
        }
        return room;
    }

    private static int runningIn(String queue, Collection<String> inProgress, Set<String> leased,
                                 Function<String, Task> taskOf) {
        int n = 0;
        for (String id : inProgress) {
            Task task = taskOf.apply(id);
            if (task != null && task.queueName().equals(queue)) {
                n++;
            }
        }
        for (String id : leased) {
            Task task = taskOf.apply(id);
            if (task != null && !inProgress.contains(id) && task.queueName().equals(queue)) {
                n++;
            }
        }
        return n;
    }
}
