package io.vivarium.plan;

import io.vivarium.llm.LlmException.Kind;
import io.vivarium.task.CodeFields;
import io.vivarium.task.DependencyGraph;
import io.vivarium.task.Intensity;
import io.vivarium.task.Priority;
import io.vivarium.task.Task;
import io.vivarium.task.TaskId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a model's plan into tasks the queue accepts: ids made safe and unique against the queue, dependencies
 * renamed with them (unknown ones dropped, cycles refused), priority mapped to intensity and budget, and a prompt
 * for each task's grind.
 */
final class PlanRules {

    record Outcome(List<Task> tasks, List<String> notes) {
    }

    /** Plan edit grinds ({@code worktree: true}) with this check (null: detected when each runs). */
    record EditMode(String check) {
    }

    private PlanRules() {
    }

    static Outcome apply(List<PlannedTask> planned, Set<String> queueIds, int maxTasks, String goal, EditMode edits) {
        List<String> notes = new ArrayList<>();
        List<PlannedTask> kept = planned.size() > maxTasks ? planned.subList(0, maxTasks) : planned;
        if (planned.size() > maxTasks) {
            notes.add("kept the first " + maxTasks + " of " + planned.size() + " proposed tasks");
        }
        Set<String> taken = new HashSet<>(queueIds);
        Map<String, String> renamed = new HashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            PlannedTask task = kept.get(i);
            String id = unique(safeId(task.id(), task.description(), i + 1), taken);
            if (task.id() != null && !task.id().equals(id)) {
                notes.add("renamed '" + task.id() + "' to '" + id + "'");
            }
            if (task.id() != null) {
                renamed.putIfAbsent(task.id(), id);
            }
            ids.add(id);
        }
        Map<String, List<String>> edges = new LinkedHashMap<>();
        for (int i = 0; i < kept.size(); i++) {
            List<String> deps = new ArrayList<>();
            for (String dep : kept.get(i).dependsOn()) {
                String target = renamed.containsKey(dep) ? renamed.get(dep) : queueIds.contains(dep) ? dep : null;
                if (target == null || target.equals(ids.get(i))) {
                    notes.add("dropped unknown dependency '" + dep + "' of '" + ids.get(i) + "'");
                } else if (!deps.contains(target)) {
                    deps.add(target);
                }
            }
            edges.put(ids.get(i), deps);
        }
        List<String> cycle = DependencyGraph.findCycle(edges);
        if (!cycle.isEmpty()) {
            throw new PlanException(Kind.BAD_ANSWER, "the model's plan has a dependency cycle: "
                    + String.join(" -> ", cycle));
        }
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            PlannedTask task = kept.get(i);
            Priority priority = priority(task.priority());
            Task.Builder built = Task.grind(ids.get(i))
                    .description(truncate(task.description(), 2000))
                    .prompt(edits != null ? editPrompt(task, goal) : prompt(task, goal))
                    .priority(priority)
                    .intensity(intensity(priority))
                    .minBudget(minBudget(priority))
                    .maxBudget(maxBudget(priority))
                    .dependsOn(edges.get(ids.get(i)));
            if (edits != null) {
                built.worktree(true).check(edits.check()).files(repositoryFiles(task, ids.get(i), notes));
            }
            tasks.add(built.build());
        }
        return new Outcome(tasks, notes);
    }

    /** high → high, $0.08–0.15; medium → medium, $0.05–0.10; low → low, $0.02–0.05. */
    static Intensity intensity(Priority p) {
        return switch (p) {
            case HIGH -> Intensity.HIGH;
            case MEDIUM -> Intensity.MEDIUM;
            case LOW -> Intensity.LOW;
        };
    }

    static double minBudget(Priority p) {
        return switch (p) {
            case HIGH -> 0.08;
            case MEDIUM -> 0.05;
            case LOW -> 0.02;
        };
    }

    static double maxBudget(Priority p) {
        return switch (p) {
            case HIGH -> 0.15;
            case MEDIUM -> 0.10;
            case LOW -> 0.05;
        };
    }

    private static Priority priority(String text) {
        if (text == null) {
            return Priority.MEDIUM;
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("h") || t.equals("critical") || t.equals("urgent") || t.equals("p0") || t.equals("p1")) {
            return Priority.HIGH;
        }
        return t.startsWith("l") || t.equals("p3") ? Priority.LOW : Priority.MEDIUM;
    }

    private static String safeId(String proposed, String description, int index) {
        String base = proposed != null && !proposed.isBlank() ? proposed : description;
        String id = base.strip().toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9._-]+", "_")
                .replaceAll("^[^a-z0-9]+", "")
                .replaceAll("_+", "_");
        id = (id.length() > 48 ? id.substring(0, 48) : id).replaceAll("[._-]+$", "");
        return TaskId.isValid(id) ? id : "plan_task_" + index;
    }

    private static String unique(String id, Set<String> taken) {
        String candidate = id;
        for (int n = 2; !taken.add(candidate); n++) {
            candidate = id + "_" + n;
        }
        return candidate;
    }

    private static String prompt(PlannedTask task, String goal) {
        StringBuilder p = new StringBuilder("Task: ").append(task.description().strip());
        if (!task.files().isEmpty()) {
            p.append("\nFiles concerned: ").append(String.join(", ", task.files()));
        }
        if (goal != null && !goal.isBlank()) {
            p.append("\nOverall goal: ").append(goal.strip());
        }
        p.append("\nDescribe the concrete changes to make: which files, what code (as a unified diff where "
                + "possible), and how to check the result.");
        return truncate(p.toString(), Task.MAX_TEXT_LENGTH);
    }

    /** The agent's task: the change, its files, and what "done" means; the agent gets the files' contents. */
    private static String editPrompt(PlannedTask task, String goal) {
        StringBuilder p = new StringBuilder(task.description().strip());
        if (goal != null && !goal.isBlank()) {
            p.append("\nOverall goal: ").append(goal.strip());
        }
        p.append("\nMake the smallest change that does this, run the check until it passes, and finish with a "
                + "summary of what you changed.");
        return truncate(p.toString(), Task.MAX_TEXT_LENGTH);
    }

    /** The files the model named that a task may carry: relative, inside the repository; the others are noted. */
    private static List<String> repositoryFiles(PlannedTask task, String id, List<String> notes) {
        List<String> kept = new ArrayList<>();
        for (String file : task.files()) {
            String path = file.replace('\\', '/').replaceFirst("^\\./", "");
            if (!CodeFields.isRepositoryPath(path)) {
                notes.add("dropped file '" + file + "' of '" + id + "': not a path inside the repository");
            } else if (kept.size() < Task.MAX_FILES && !kept.contains(path)) {
                kept.add(path);
            }
        }
        return kept;
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
