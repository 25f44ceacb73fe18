package io.vivarium.cli;

import java.time.Clock;

/** What every verb shares; tests pass their own clock. */
public record CliContext(Clock clock) {

    public static CliContext system() {
        return new CliContext(Clock.systemUTC());
    }
}
