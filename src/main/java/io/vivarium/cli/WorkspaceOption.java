package io.vivarium.cli;

import io.vivarium.store.file.FileTaskStore;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Option;

/** {@code --workspace DIR} on every verb; defaults to {@code VIVARIUM_WORKSPACE}, then the current directory. */
public final class WorkspaceOption {

    @Option(names = {"-w", "--workspace"}, paramLabel = "DIR", defaultValue = "${VIVARIUM_WORKSPACE:-.}",
            description = "Workspace directory (default: $VIVARIUM_WORKSPACE or the current directory).")
    Path workspace;

    public Path path() {
        return workspace.toAbsolutePath().normalize();
    }

    FileTaskStore openStore(Clock clock) {
        return new FileTaskStore(path(), clock);
    }
}
