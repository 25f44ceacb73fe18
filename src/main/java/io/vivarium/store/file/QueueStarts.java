package io.vivarium.store.file;

import io.vivarium.task.PastRun;
import io.vivarium.task.Rate;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The recent starts of each queue a rate limit asks about: read from the run entries the first time (each task's
 * current start and its past runs'), then kept by every start the state applies, its own claims and the ones it
 * replays from other processes. A queue no rate names is never looked at, so without rates this costs nothing.
 * At most {@link Rate#MAX_STARTS} starts within {@link Rate#MAX_PERIOD} are kept per queue: all any rate can ask.
 */
final class QueueStarts {

    private final Map<String, ArrayDeque<Instant>> byQueue = new HashMap<>();

    /** The queue's starts, oldest first; {@code tasks} and {@code runOf} seed them on the first ask. */
    List<Instant> of(String queue, Instant now, List<Task> tasks, Function<String, TaskRun> runOf) {
        ArrayDeque<Instant> starts = byQueue.get(queue);
        if (starts == null) {
            starts = seed(queue, now, tasks, runOf);
            byQueue.put(queue, starts);
        }
        return List.copyOf(starts);
    }

    /** A task of {@code queue} started at {@code at}: kept when the queue is followed. */
    void started(String queue, Instant at) {
        ArrayDeque<Instant> starts = byQueue.get(queue);
        if (starts == null) {
            return;
        }
        if (starts.isEmpty() || !at.isBefore(starts.peekLast())) {
            starts.addLast(at);
        } else {
            // Replayed from a process whose clock ran a little behind: keep the order.
            List<Instant> all = new ArrayList<>(starts);
            all.add(at);
            all.sort(null);
            starts.clear();
            starts.addAll(all);
        }
        trim(starts, at);
    }

    /** Forgets every queue: read again from the entries at the next ask (a clear, a prune, a reload). */
    void forget() {
        byQueue.clear();
    }

    private static ArrayDeque<Instant> seed(String queue, Instant now, List<Task> tasks,
                                            Function<String, TaskRun> runOf) {
        Instant since = now.minus(Rate.MAX_PERIOD);
        List<Instant> found = new ArrayList<>();
        for (Task task : tasks) {
            if (!task.queueName().equals(queue)) {
                continue;
            }
            TaskRun run = runOf.apply(task.id());
            if (run == null) {
                continue;
            }
            // A recurring task's entry may still name the start its last past run holds: count each once.
            java.util.Set<Instant> ofTask = new java.util.HashSet<>();
            if (run.startedAt() != null) {
                ofTask.add(run.startedAt());
            }
            for (PastRun past : run.pastRuns()) {
                if (past.startedAt() != null) {
                    ofTask.add(past.startedAt());
                }
            }
            ofTask.stream().filter(at -> at.isAfter(since)).forEach(found::add);
        }
        found.sort(null);
        ArrayDeque<Instant> starts = new ArrayDeque<>(found);
        trim(starts, now);
        return starts;
    }

    private static void trim(ArrayDeque<Instant> starts, Instant now) {
        Instant since = now.minus(Rate.MAX_PERIOD);
        while (!starts.isEmpty() && (starts.size() > Rate.MAX_STARTS || !starts.peekFirst().isAfter(since))) {
            starts.pollFirst();
        }
    }
}
