package io.vivarium.grind;

import java.time.Duration;

/**
 * How one grind process ended: {@code exited} false when it was killed at its time limit or stopped; then
 * {@code exitCode} is null. {@code output} is the tail of its stdout and stderr.
 */
public record Exec(boolean exited, Integer exitCode, Duration elapsed, String output, String lastLine) {

    public double seconds() {
        return elapsed.toNanos() / 1e9;
    }
}
