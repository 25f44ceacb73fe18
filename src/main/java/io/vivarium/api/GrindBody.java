package io.vivarium.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.vivarium.grind.GrindRequest;
import io.vivarium.task.Intensity;
import io.vivarium.task.Task;
import io.vivarium.task.TaskId;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.Duration;

/**
 * {@code POST /grind}: one budgeted grind. Everything is optional; the guide's example sends only the budget and
 * intensity. Cross-field rules (max ≥ min) are the task model's own, so they read the same everywhere.
 */
public record GrindBody(
        @Pattern(regexp = TaskId.REGEX, message = "must be a valid task id") String taskId,
        @Size(max = Task.MAX_TEXT_LENGTH) String command,
        @Size(max = Task.MAX_TEXT_LENGTH) String prompt,
        @Positive @DecimalMax("1000") Double minBudget,
        @Positive @DecimalMax("1000") Double maxBudget,
        Intensity intensity,
        @Positive @DecimalMax("86400") Double timeout) {

    @JsonIgnore
    GrindRequest toRequest() {
        double min = minBudget == null ? Task.DEFAULT_MIN_BUDGET : minBudget;
        double max = maxBudget == null ? Math.max(Task.DEFAULT_MAX_BUDGET, min) : maxBudget;
        Duration limit = timeout == null ? null : Duration.ofMillis(Math.round(timeout * 1000));
        return new GrindRequest(taskId, command, prompt, min, max, intensity, limit);
    }
}
