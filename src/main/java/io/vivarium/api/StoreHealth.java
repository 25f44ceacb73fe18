package io.vivarium.api;

import io.vivarium.store.CorruptFileException;
import io.vivarium.store.StoreException;
import io.vivarium.store.TaskStore;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code store} component of {@code /actuator/health}: DOWN while the queue cannot be read at all (PostgreSQL
 * stopped or unreachable), which turns health and readiness into a 503. A workspace file that does not parse
 * leaves it UP: the server answers, and each request reports the file by its path.
 */
@Component("store")
class StoreHealth implements HealthIndicator {

    private final TaskStore store;

    StoreHealth(TaskStore store) {
        this.store = store;
    }

    @Override
    public Health health() {
        try {
            store.version();
            return Health.up().build();
        } catch (CorruptFileException e) {
            return Health.up().withDetail("problem", e.getMessage()).build();
        } catch (StoreException e) {
            return Health.down().withDetail("error", e.getMessage()).build();
        }
    }
}
