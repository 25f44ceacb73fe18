package io.vivarium.worker;

import io.vivarium.grind.GrindControl;
import io.vivarium.store.Lease;

/** A grind running on one of the pool's worker threads, under its claim. */
record RunningGrind(Lease lease, GrindControl control) {
}
