package io.vivarium.cli;

import io.vivarium.config.Settings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** What every verb shares: the clock and the environment it reads settings from; tests pass their own. */
public record CliContext(Clock clock, Map<String, String> environment) {

    public CliContext {
        environment = Map.copyOf(environment);
    }

    public CliContext(Clock clock) {
        this(clock, System.getenv());
    }

    public static CliContext system() {
        return new CliContext(Clock.systemUTC(), System.getenv());
    }

    /** This workspace's settings: the environment, then its {@code .env}. */
    Settings settings(Path workspace) {
        return Settings.load(environment, workspace);
    }
}
