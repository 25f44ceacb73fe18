package io.vivarium.grind;

import io.vivarium.task.GrindResult;

/** Runs one grind to its result: here ({@link GrindEngine}) or on a Vivarium server's {@code /grind}. */
public interface GrindRunner {

    GrindResult run(GrindRequest request, GrindControl control);
}
