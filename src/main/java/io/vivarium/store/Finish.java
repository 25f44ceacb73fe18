package io.vivarium.store;

import io.vivarium.task.GrindResult;

/** What became of a leased task: a grind result to record, or the task given back unrun (shutdown). */
public record Finish(Lease lease, GrindResult result) {

    public static Finish done(Lease lease, GrindResult result) {
        return new Finish(lease, result);
    }

    public static Finish released(Lease lease) {
        return new Finish(lease, null);
    }

    public boolean isRelease() {
        return result == null;
    }
}
