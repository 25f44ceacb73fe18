package io.vivarium.plan;

import io.vivarium.task.Task;
import java.util.List;

/** The tasks planned (queued unless {@code dryRun}), what the scan saw, what the model cost, and what was fixed up. */
public record PlanResult(List<Task> tasks, boolean dryRun, int filesScanned, String model, int promptTokens,
                         int completionTokens, double costDollars, List<String> notes) {
}
