package io.vivarium.code.agent;

/**
 * One run of a task's check: the run entry's {@code check} object.
 *
 * @param command  the command that ran, or null when the task has no check (then {@code passed} is true)
 * @param exitCode null when it was killed (budget, timeout, stop)
 * @param output   the tail of its stdout and stderr
 */
public record CheckOutcome(String command, Integer exitCode, boolean passed, double seconds, String output) {

    public static CheckOutcome none() {
        return new CheckOutcome(null, null, true, 0, "no check: none given and none detected");
    }
}
