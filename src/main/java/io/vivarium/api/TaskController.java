package io.vivarium.api;

import io.vivarium.store.Snapshot;
import io.vivarium.store.TaskStore;
import io.vivarium.store.UnknownTaskException;
import io.vivarium.task.InvalidTaskException;
import io.vivarium.task.Task;
import io.vivarium.task.TaskStatus;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.vivarium.worker.LocalGrinds;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The CLI's verbs over HTTP: list, add, show, retry, cancel. */
@RestController
@RequestMapping("/tasks")
class TaskController {

    private static final int MAX_TASKS_PER_REQUEST = 10_000;

    private final TaskStore store;
    private final JsonMapper json;

    TaskController(TaskStore store, JsonMapper json) {
        this.store = store;
        this.json = json;
    }

    @GetMapping
    List<TaskView> list(@RequestParam(required = false) TaskStatus status) {
        Snapshot snapshot = store.snapshot();
        return snapshot.tasks().stream()
                .map(task -> TaskView.of(snapshot, task))
                .filter(view -> status == null || view.status() == status)
                .toList();
    }

    /** One task (an object) or several (an array), all or none, in the same shape as {@code queue.json}'s tasks. */
    @PostMapping
    ResponseEntity<List<TaskView>> add(@RequestBody JsonNode body) {
        List<Task> tasks = new ArrayList<>();
        if (body.isArray()) {
            if (body.size() > MAX_TASKS_PER_REQUEST) {
                throw new InvalidTaskException("tasks", "at most " + MAX_TASKS_PER_REQUEST + " tasks per request");
            }
            for (JsonNode node : body) {
                tasks.add(toTask(node));
            }
        } else {
            tasks.add(toTask(body));
        }
        store.add(tasks);
        Snapshot snapshot = store.snapshot();
        List<TaskView> added = tasks.stream()
                .map(t -> TaskView.of(snapshot, snapshot.task(t.id()).orElse(t)))
                .toList();
        return ResponseEntity.created(URI.create("/tasks/" + tasks.get(0).id())).body(added);
    }

    @GetMapping("/{id}")
    TaskView show(@PathVariable String id) {
        Snapshot snapshot = store.snapshot();
        return TaskView.of(snapshot, snapshot.task(id).orElseThrow(() -> new UnknownTaskException(id)));
    }

    @PostMapping("/{id}/retry")
    Map<String, List<String>> retry(@PathVariable String id) {
        return Map.of("retried", store.retry(List.of(id)));
    }

    @PostMapping("/{id}/cancel")
    TaskView cancel(@PathVariable String id) {
        LocalGrinds.end(store.cancel(id).endedClaim());
        return show(id);
    }

    private Task toTask(JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidTaskException("task", "each task must be a JSON object");
        }
        if (!node.hasNonNull("id")) {
            throw new InvalidTaskException("id", "id is required");
        }
        if (!node.get("id").isString()) {
            throw new InvalidTaskException("id", "id must be a string");
        }
        try {
            return json.treeToValue(node, Task.class);
        } catch (JacksonException e) {
            throw JsonProblems.toInvalidTask(e);
        }
    }
}
