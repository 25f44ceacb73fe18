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

    /** The same as {@code status --json}: the counts, then the spend as this server's workers claim under it. */
    @GetMapping("/status")
    StatusView status() {
        return new StatusView(store.summary(), store.spend(settings.spendLimit()).view());
    }
}
