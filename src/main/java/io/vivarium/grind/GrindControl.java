package io.vivarium.grind;

import io.vivarium.os.ProcessTree;
import java.time.Instant;

/**
 * The caller's hold on a running grind: it learns the grind's process (to record it in the claim) and can stop
 * the grind at any time, from any thread, with a reason.
 */
public final class GrindControl {

    /** Told a grind's process before the process may do anything, so that a takeover can always find it. */
    @FunctionalInterface
    public interface ProcessStarted {

        /** @return false when the process could not be recorded (the claim is gone): the grind must not run */
        boolean record(long pid, Instant startedAt);
    }

    private final ProcessStarted onProcessStart;
    private volatile String stopReason;
    private volatile Process process;
    private volatile Runnable onStop = () -> { };

    public GrindControl(ProcessStarted onProcessStart) {
        this.onProcessStart = onProcessStart;
    }

    public static GrindControl none() {
        return new GrindControl((pid, start) -> true);
    }

    /** Stops the grind; the first reason given is the one reported. */
    public void stop(String reason) {
        synchronized (this) {
            if (stopReason == null) {
                stopReason = reason;
            }
        }
        Process running = process;
        if (running != null) {
            ProcessTree.kill(running.toHandle());
        }
        onStop.run();
    }

    /** For grinds that are not a local process (a remote call): what stopping them means. */
    public void whenStopped(Runnable action) {
        onStop = action;
        if (stopReason != null) {
            action.run();
        }
    }

    public String stopReason() {
        return stopReason;
    }

    public boolean isStopped() {
        return stopReason != null;
    }

    /**
     * Records the started process; true when it may go ahead. The process is held at its gate meanwhile, so a
     * crash before this returns leaves nothing running that the claim does not name.
     */
    boolean attach(Process started) {
        process = started;
        if (!onProcessStart.record(started.pid(), started.toHandle().info().startInstant().orElse(Instant.now()))) {
            stop("claim lost before start");
            return false;
        }
        if (stopReason != null) {
            ProcessTree.kill(started.toHandle());
            return false;
        }
        return true;
    }
}
