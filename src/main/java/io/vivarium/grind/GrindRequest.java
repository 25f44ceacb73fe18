package io.vivarium.grind;

import io.vivarium.task.Budget;
import io.vivarium.task.Intensity;
import io.vivarium.task.Task;
import java.time.Duration;

/**
 * One grind to run: what work (a command, a prompt, or none), its budget, and an optional wall-clock timeout.
 * {@code task} is the queued task it runs (null for an ad-hoc {@code POST /grind}): code grinds read their
 * worktree, check and dependencies from it.
 */
public record GrindRequest(String label, String command, String prompt, double minBudget, double maxBudget,
                           Intensity intensity, Duration timeout, Task task) {

    public GrindRequest(String label, String command, String prompt, double minBudget, double maxBudget,
                        Intensity intensity, Duration timeout) {
        this(label, command, prompt, minBudget, maxBudget, intensity, timeout, null);
    }

    public GrindRequest {
        Budget.check(minBudget, maxBudget);
        intensity = intensity == null ? Intensity.MEDIUM : intensity;
        command = command == null || command.isBlank() ? null : command;
        prompt = prompt == null || prompt.isBlank() ? null : prompt;
    }

    public static GrindRequest of(Task task) {
        return new GrindRequest(task.id(), task.command(), task.prompt(), task.minBudget(), task.maxBudget(),
                task.intensity(), null, task);
    }
}
