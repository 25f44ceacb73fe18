package io.vivarium.worker;

/**
 * How many tasks to claim beyond the free worker slots. Enough to keep every worker busy through one commit when
 * grinds are shorter than a commit ({@code workers × commit time / grind time}), and none when grinds are long,
 * so that no task waits in this process while another process sits idle. Averages are exponentially weighted.
 */
final class Prefetch {

    private static final double WEIGHT = 0.2;

    private final int workers;
    private final int max;
    private double grindNanos = -1;
    private double commitNanos = -1;

    Prefetch(int workers, int max) {
        this.workers = workers;
        this.max = max;
    }

    synchronized void grindTook(long nanos) {
        grindNanos = grindNanos < 0 ? nanos : grindNanos + WEIGHT * (nanos - grindNanos);
    }

    synchronized void commitTook(long nanos) {
        commitNanos = commitNanos < 0 ? nanos : commitNanos + WEIGHT * (nanos - commitNanos);
    }

    synchronized int size() {
        if (grindNanos < 0 || commitNanos < 0) {
            return 0;
        }
        double perCommit = workers * commitNanos / Math.max(grindNanos, 1_000);
        return (int) Math.min(max, Math.ceil(perCommit));
    }
}
