package io.vivarium.store;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.QueueLimits;
import io.vivarium.task.QueueName;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One queue as {@code vivarium queue} and {@code GET /queues} show it: its tasks by state ({@code in_progress} is
 * what runs now), its limits, and whether it is paused (by itself or with the whole workspace).
 */
@JsonPropertyOrder({"name", "tasks", "limits", "paused"})
public record QueueStatus(String name, Summary tasks, QueueLimits limits, boolean paused) {

    /**
     * Every queue that holds a task or has limits, {@code default} first and the rest by name, counted from a
     * snapshot: what a store without a cheaper count answers.
     */
    public static List<QueueStatus> of(Snapshot snapshot, FlowSettings flow) {
        Map<String, List<Task>> byQueue = new TreeMap<>();
        byQueue.put(QueueName.DEFAULT, new ArrayList<>());
        flow.queues().keySet().forEach(name -> byQueue.put(name, new ArrayList<>()));
        for (Task task : snapshot.tasks()) {
            byQueue.computeIfAbsent(task.queueName(), k -> new ArrayList<>()).add(task);
        }
        Map<String, List<Task>> ordered = new LinkedHashMap<>();
        ordered.put(QueueName.DEFAULT, byQueue.remove(QueueName.DEFAULT));
        ordered.putAll(byQueue);
        List<QueueStatus> all = new ArrayList<>();
        ordered.forEach((name, tasks) -> {
            QueueLimits limits = flow.of(name);
            all.add(new QueueStatus(name, Summary.of(tasks, snapshot.runs()), limits,
                    flow.paused() || limits.paused()));
        });
        return List.copyOf(all);
    }
}
