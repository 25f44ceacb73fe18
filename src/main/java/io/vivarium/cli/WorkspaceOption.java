package io.vivarium.cli;

import io.vivarium.store.StoreException;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Option;

/**
 * {@code --workspace DIR} and {@code --store URL} on every verb. The workspace defaults to
 * {@code VIVARIUM_WORKSPACE}, then the current directory; the store to {@code VIVARIUM_STORE_URL}, then the
 * workspace's files.
 */
public final class WorkspaceOption {

    @Option(names = {"-w", "--workspace"}, paramLabel = "DIR", defaultValue = "${VIVARIUM_WORKSPACE:-.}",
            description = "Workspace directory (default: $VIVARIUM_WORKSPACE or the current directory).")
    Path workspace;

    @Option(names = "--store", paramLabel = "URL", defaultValue = "${VIVARIUM_STORE_URL:-}",
            description = "Keep the queue in PostgreSQL: postgresql://HOST:PORT/DB?user=U&password=P "
                    + "(default: $VIVARIUM_STORE_URL, else the workspace's files).")
    String store;

    public Path path() {
        return workspace.toAbsolutePath().normalize();
    }

    StoreLocation location() {
        return StoreLocation.of(path(), store);
    }

    TaskStore openStore(Clock clock) {
        return openStore(clock, StoreSettings.defaults());
    }

    TaskStore openStore(Clock clock, StoreSettings settings) {
        StoreLocation location = location();
        if (!location.isDatabase() && !path().toFile().isDirectory()) {
            throw new StoreException("workspace " + path() + " is not a directory");
        }
        return TaskStores.open(location, clock, settings);
    }
}
