package io.vivarium.plan;

import io.vivarium.task.InvalidTaskException;

/**
 * What to plan: an optional focus, how many tasks at most (1–10, default 5), and whether only to show them.
 *
 * @param noEdit keep prompt grinds even in a git repository (else planned tasks there are edit grinds)
 * @param check  the edit grinds' check command (null: detected when each runs)
 */
public record PlanRequest(String goal, Integer maxTasks, boolean dryRun, boolean noEdit, String check) {

    public static final int DEFAULT_MAX_TASKS = 5;
    public static final int LIMIT = 10;

    public PlanRequest {
        maxTasks = maxTasks == null ? DEFAULT_MAX_TASKS : maxTasks;
        if (maxTasks < 1 || maxTasks > LIMIT) {
            throw new InvalidTaskException("max_tasks", "max_tasks must be between 1 and " + LIMIT + " (got " + maxTasks + ")");
        }
        if (goal != null && goal.length() > 2000) {
            throw new InvalidTaskException("goal", "goal must be at most 2000 characters");
        }
        check = check == null || check.isBlank() ? null : check.strip();
        if (check != null && check.length() > 10_000) {
            throw new InvalidTaskException("check", "check must be at most 10000 characters");
        }
    }

    public PlanRequest(String goal, Integer maxTasks, boolean dryRun) {
        this(goal, maxTasks, dryRun, false, null);
    }
}
