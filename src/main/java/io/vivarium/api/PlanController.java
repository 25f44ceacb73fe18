package io.vivarium.api;

import io.vivarium.story.TaskView;

import io.vivarium.plan.PlanRequest;
import io.vivarium.plan.PlanResult;
import io.vivarium.plan.Planner;
import io.vivarium.store.Snapshot;
import io.vivarium.store.TaskStore;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.validation.Valid;
import java.util.List;
import java.util.Map;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
class PlanController {

    /**
     * {@code POST /plan}'s optional body. {@code no_edit}: prompt grinds even in a git repository; {@code check}:
     * the edit grinds' check (default {@code VIVARIUM_CHECK}, else detected when each runs).
     */
    record PlanBody(@Size(max = 2000) String goal, @Min(1) @Max(PlanRequest.LIMIT) Integer maxTasks, Boolean dryRun,
                    Boolean noEdit, @Size(max = 10_000) String check) {
    }

    /** What a plan created, in the API's task shape, and what it cost. */
    record PlanResponse(List<TaskView> tasks, boolean dryRun, int filesScanned, String model,
                        Map<String, Integer> usage, double costDollars, List<String> notes) {
    }

    private final Planner planner;
    private final TaskStore store;
    private final Environment env;

    PlanController(Planner planner, TaskStore store, Environment env) {
        this.planner = planner;
        this.store = store;
        this.env = env;
    }

    /** Scans the workspace, asks the model, and appends its tasks to the queue (201), or only shows them (200). */
    @PostMapping("/plan")
    ResponseEntity<PlanResponse> plan(@Valid @RequestBody(required = false) PlanBody body) {
        PlanBody request = body == null ? new PlanBody(null, null, null, null, null) : body;
        String check = request.check() != null ? request.check()
                : env.getProperty("vivarium.check", env.getProperty("VIVARIUM_CHECK"));
        PlanResult result = planner.plan(new PlanRequest(request.goal(), request.maxTasks(),
                Boolean.TRUE.equals(request.dryRun()), Boolean.TRUE.equals(request.noEdit()), check));
        Snapshot snapshot = store.snapshot();
        List<TaskView> tasks = result.tasks().stream()
                .map(t -> result.dryRun() ? TaskView.of(Snapshot.empty(), t)
                        : TaskView.of(snapshot, snapshot.task(t.id()).orElse(t)))
                .toList();
        PlanResponse response = new PlanResponse(tasks, result.dryRun(), result.filesScanned(), result.model(),
                Map.of("prompt_tokens", result.promptTokens(), "completion_tokens", result.completionTokens()),
                result.costDollars(), result.notes());
        return ResponseEntity.status(result.dryRun() ? HttpStatus.OK : HttpStatus.CREATED).body(response);
    }
}
