package io.vivarium.api;

import io.vivarium.story.TaskView;

import io.vivarium.story.TaskStory;

import io.vivarium.store.Snapshot;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskEntry;
import io.vivarium.store.TaskPage;
import io.vivarium.store.TaskQuery;
import io.vivarium.store.TaskStore;
import io.vivarium.store.UnknownTaskException;
import io.vivarium.task.InvalidTaskException;
import io.vivarium.task.Task;
import io.vivarium.grind.TaskLogs;
import io.vivarium.task.Pruning;
import io.vivarium.task.QueueName;
import io.vivarium.task.TaskKeys;
import io.vivarium.task.TaskStatus;
import io.vivarium.worker.LocalGrinds;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import io.vivarium.code.WorktreeTasks;
import java.nio.file.Path;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The CLI's verbs over HTTP: list (paged, filtered, searched), add, show, retry, retry all failed, cancel, clear. */
@RestController
@RequestMapping("/tasks")
class TaskController {

    private static final int MAX_TASKS_PER_REQUEST = 10_000;
    static final int MAX_PAGE_SIZE = 1000;
    static final String TOTAL_COUNT = "X-Total-Count";

    private final TaskStore store;
    private final JsonMapper json;
    private final Clock clock;
    private final StoreSettings settings;
    private final TaskLogs logs;

    private final Path workspace;

    TaskController(TaskStore store, JsonMapper json, Clock clock, StoreSettings settings,
                   VivariumProperties properties, TaskLogs logs) {
        this.workspace = properties.workspace();
        this.logs = logs;
        this.store = store;
        this.json = json;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * The queue in queue order, filtered by state, by the queue a task runs in ({@code queue}) and by a
     * case-insensitive search of id and description. Without {@code limit} every match is returned, as before; with
     * it one page, and {@code Link} names the others. The body stays a plain array; {@code X-Total-Count} is the
     * number of matches.
     */
    @GetMapping
    ResponseEntity<List<TaskView>> list(@RequestParam(required = false) TaskStatus status,
                                        @RequestParam(required = false) String q,
                                        @RequestParam(defaultValue = "0") int offset,
                                        @RequestParam(required = false) Integer limit,
                                        @RequestParam(required = false) String queue) {
        if (offset < 0) {
            throw new InvalidTaskException("offset", "offset must be 0 or more (got " + offset + ")");
        }
        if (limit != null && (limit < 1 || limit > MAX_PAGE_SIZE)) {
            throw new InvalidTaskException("limit", "limit must be between 1 and " + MAX_PAGE_SIZE + " (got " + limit + ")");
        }
        String search = q == null || q.isBlank() ? null : q.strip();
        String inQueue = queue == null || queue.isBlank() ? null : QueueName.requireValid("queue", queue.strip());
        // Without a limit every match is answered, as before paging existed; the store pages either way.
        TaskPage page = limit != null ? store.query(new TaskQuery(status, search, offset, limit, inQueue))
                : everyMatch(new TaskQuery(status, search, offset, 1, inQueue));
        ResponseEntity.BodyBuilder response = ResponseEntity.ok().header(TOTAL_COUNT, String.valueOf(page.total()));
        if (limit != null) {
            response.header(HttpHeaders.LINK, links(status, search, inQueue, offset, limit, page.total()));
        }
        return response.body(page.items().stream().map(TaskView::of).toList());
    }

    /** Every match after {@code offset}, as {@code GET /tasks} answered before it paged. */
    private TaskPage everyMatch(TaskQuery filter) {
        Snapshot snapshot = store.snapshot();
        List<TaskEntry> matches = snapshot.tasks().stream()
                .map(task -> new TaskEntry(task, snapshot.runs().get(task.id())))
                .filter(filter::matches)
                .toList();
        return new TaskPage(matches.subList(Math.min(filter.offset(), matches.size()), matches.size()), matches.size());
    }

    private static String links(TaskStatus status, String search, String queue, int offset, int limit, long total) {
        List<String> links = new ArrayList<>();
        long last = total == 0 ? 0 : (total - 1) / limit * limit;
        links.add(link(status, search, queue, 0, limit, "first"));
        if (offset > 0) {
            links.add(link(status, search, queue, Math.max(0, Math.min(offset - limit, last)), limit, "prev"));
        }
        if (offset + limit < total) {
            links.add(link(status, search, queue, offset + limit, limit, "next"));
        }
        links.add(link(status, search, queue, last, limit, "last"));
        return String.join(", ", links);
    }

    private static String link(TaskStatus status, String search, String queue, long offset, int limit, String rel) {
        UriComponentsBuilder uri = UriComponentsBuilder.fromPath("/tasks");
        Map<String, Object> values = new HashMap<>();
        if (status != null) {
            uri.queryParam("status", "{status}");
            values.put("status", status.wireName());
        }
        if (search != null) {
            uri.queryParam("q", "{q}");
            values.put("q", search);
        }
        if (queue != null) {
            uri.queryParam("queue", "{queue}");
            values.put("queue", queue);
        }
        uri.queryParam("offset", offset).queryParam("limit", limit);
        return "<" + uri.encode().buildAndExpand(values).toUriString() + ">; rel=\"" + rel + "\"";
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
        WorktreeTasks.requireRepository(workspace, tasks);
        List<TaskKeys.Answer> answers = store.addDeduplicated(tasks);
        Snapshot snapshot = store.snapshot();
        List<TaskView> standing = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            Task task = snapshot.task(answers.get(i).id()).orElse(tasks.get(i));
            standing.add(TaskView.of(snapshot, task));
        }
        if (answers.stream().noneMatch(TaskKeys.Answer::added)) {
            // Every task's key was held by an unfinished task: nothing was created, those tasks answer.
            return ResponseEntity.ok().body(standing);
        }
        return ResponseEntity.created(URI.create("/tasks/" + answers.get(0).id())).body(standing);
    }

    @GetMapping("/{id}")
    TaskStory show(@PathVariable String id) {
        Snapshot snapshot = store.snapshot();
        Task task = snapshot.task(id).orElseThrow(() -> new UnknownTaskException(id));
        return TaskStory.of(snapshot, task, store.claims(), clock.instant(), settings.lease(),
                store.spend(settings.spendLimit()), store.flow());
    }

    @PostMapping("/{id}/retry")
    Map<String, List<String>> retry(@PathVariable String id) {
        return Map.of("retried", store.retry(List.of(id)));
    }

    @PostMapping("/{id}/cancel")
    TaskStory cancel(@PathVariable String id) {
        LocalGrinds.end(store.cancel(id).endedClaim());
        return show(id);
    }

    /** {@code retry --failed}: every failed task back to pending, and what they blocked. */
    @PostMapping("/retry-failed")
    Map<String, List<String>> retryFailed() {
        return Map.of("retried", store.retryFailed());
    }

    /** {@code POST /tasks/prune}'s body: both optional, as {@code prune}'s flags. */
    record PruneBody(String olderThan, List<TaskStatus> status) {
    }

    /** {@code prune}: finished tasks that nothing unfinished depends on; their spend stays in the ledger. */
    @PostMapping("/prune")
    Map<String, List<String>> prune(@RequestBody(required = false) PruneBody body) {
        PruneBody given = body == null ? new PruneBody(null, null) : body;
        java.time.Instant before = given.olderThan() == null ? null
                : clock.instant().minus(Pruning.age("older_than", given.olderThan()));
        List<TaskStatus> asked = given.status() == null ? List.copyOf(Pruning.PRUNABLE) : given.status();
        List<String> gone = store.prune(Pruning.check(asked), before);
        gone.forEach(id -> {
            try {
                logs.remove(id);
            } catch (java.io.IOException e) {
                // only disk space: the task is gone
            }
        });
        return Map.of("pruned", gone);
    }

    /** {@code POST /tasks/clear}'s body: wiping everything must be asked for in so many words. */
    record ClearBody(Boolean confirm) {
    }

    /** {@code clear}: wipes the queue, the log and every claim; the body must say {@code {"confirm": true}}. */
    @PostMapping("/clear")
    TaskStore.ClearResult clear(@RequestBody(required = false) ClearBody body) {
        if (body == null || !Boolean.TRUE.equals(body.confirm())) {
            throw new InvalidTaskException("confirm",
                    "clear removes every task, its log entry and every claim: send {\"confirm\": true}");
        }
        return store.clear();
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
            return json.treeToValue(node, Task.class).withFirstRun(clock.instant());
        } catch (JacksonException e) {
            throw JsonProblems.toInvalidTask(e);
        }
    }
}
