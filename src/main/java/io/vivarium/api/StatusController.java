package io.vivarium.api;

import io.vivarium.app.StatusView;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class StatusController {

    private final TaskStore store;
    private final StoreSettings settings;

    StatusController(TaskStore store, StoreSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    /**
     * The same as {@code status --json}: the counts, the spend as this server's workers claim under it, and the
     * pause (the workspace's, and which queues are paused by themselves).
     */
    @GetMapping("/status")
    StatusView status() {
        return StatusView.of(store.summary(), store.spend(settings.spendLimit()).view(), store.flowSettings());
    }
}
