package io.vivarium.store.file;

import io.vivarium.task.FlowSettings;
import io.vivarium.store.RecordedStarts;
import io.vivarium.task.Rate;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The recent starts of each queue a rate limit asks about, kept by every start the state applies, its own claims and
 * the ones it replays from other processes. They are facts of the queue, not of its tasks: a retry's next start
 * replaces the last one in the task's entry, and a prune removes entries, so a checkpoint writes each rate-limited
 * queue's last starts into {@code execution_log.json} ({@value #FIELD}, beside the spend ledger) and a process that
 * reads the files starts from them. Only a queue the log does not name yet is read from the run entries (each task's
 * current start and its past runs'). A queue no rate names is never looked at, so without rates this costs nothing.
 * At most {@link Rate#MAX_STARTS} starts within {@link Rate#MAX_PERIOD} are kept per queue: all any rate can ask.
 */
final class QueueStarts {

    /** The log's top-level field: each rate-limited queue's last starts, oldest first. */
    static final String FIELD = "queue_starts";

    private final Map<String, ArrayDeque<Instant>> byQueue = new HashMap<>();

    /** The starts a log's {@link #FIELD} keeps; a value that cannot be read is an IllegalArgumentException. */
    static Map<String, List<Instant>> read(Map<String, Object> logFields) {
        Object field = logFields.get(FIELD);
        if (field == null) {
            return Map.of();
        }
        if (!(field instanceof Map<?, ?> queues)) {
            throw new IllegalArgumentException(FIELD + " must be an object of queues and their start times");
        }
        Map<String, List<Instant>> read = new TreeMap<>();
        queues.forEach((queue, times) -> {
            if (!(times instanceof List<?> list)) {
                throw new IllegalArgumentException(FIELD + "." + queue + " must be a list of start times");
            }
            List<Instant> at = new ArrayList<>();
            for (Object time : list) {
                try {
                    at.add(Instant.parse(String.valueOf(time)));
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException(FIELD + "." + queue + " must hold times like "
                            + "2026-01-15T10:30:00Z (got " + time + ")");
                }
            }
            at.sort(null);
            read.put(String.valueOf(queue), at);
        });
        return read;
    }

    /** Follows the queues a log kept starts for, from those starts. */
    void restore(Map<String, List<Instant>> kept) {
        kept.forEach((queue, at) -> byQueue.put(queue, new ArrayDeque<>(at)));
    }

    /**
     * The log's fields with {@link #FIELD} as these starts leave it: for each followed queue {@code flow} gives a
     * rate, its last starts, as many as the rate allows in a period (the only ones it asks).
     */
    Map<String, Object> writtenInto(Map<String, Object> logFields, FlowSettings flow) {
        Map<String, List<String>> kept = new TreeMap<>();
        byQueue.forEach((queue, starts) -> {
            Rate rate = flow.of(queue).rate();
            if (rate != null && !starts.isEmpty()) {
                List<Instant> all = new ArrayList<>(starts);
                kept.put(queue, all.subList(Math.max(0, all.size() - rate.starts()), all.size()).stream()
                        .map(Instant::toString).toList());
            }
        });
        if (kept.isEmpty() && !logFields.containsKey(FIELD)) {
            return logFields;
        }
        Map<String, Object> fields = new java.util.LinkedHashMap<>(logFields);
        if (kept.isEmpty()) {
            fields.remove(FIELD);
        } else {
            fields.put(FIELD, kept);
        }
        return fields;
    }

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

    /** Every followed queue's starts, to {@link #restore} after the state is rebuilt (a prune). */
    Map<String, List<Instant>> snapshot() {
        Map<String, List<Instant>> all = new HashMap<>();
        byQueue.forEach((queue, starts) -> all.put(queue, List.copyOf(starts)));
        return all;
    }

    /** Forgets every queue: read again from the entries at the next ask (a clear). */
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
            RecordedStarts.of(run).stream().filter(at -> at.isAfter(since)).forEach(found::add);
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
