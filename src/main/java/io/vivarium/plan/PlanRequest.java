package io.vivarium.plan;

import io.vivarium.task.InvalidTaskException;

/** What to plan: an optional focus, how many tasks at most (1–10, default 5), and whether only to show them. */
public record PlanRequest(String goal, Integer maxTasks, boolean dryRun) {

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
    }
}
