package io.vivarium.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * One past occurrence of a recurring task, as its entry keeps it: when its last attempt started and ended, how it
 * ended, what that attempt cost, how many attempts it took and its error. The charges themselves are in
 * {@code spent}, which every attempt of every occurrence adds to.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"started_at", "completed_at", "status", "cost", "attempts", "error"})
public record PastRun(Instant startedAt, Instant completedAt, TaskStatus status, Double cost, Integer attempts,
                      String error) {

    /** How many past occurrences an entry keeps. */
    public static final int KEPT = 20;
}
