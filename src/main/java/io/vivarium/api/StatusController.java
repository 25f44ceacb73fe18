package io.vivarium.api;

import io.vivarium.store.TaskStore;
import io.vivarium.task.Summary;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class StatusController {

    private final TaskStore store;

    StatusController(TaskStore store) {
        this.store = store;
    }

    /** The same summary as {@code status --json}. */
    @GetMapping("/status")
    Summary status() {
        return store.summary();
    }
}
