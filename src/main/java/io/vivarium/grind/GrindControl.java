package io.vivarium.grind;

import io.vivarium.os.ProcessTree;
import java.time.Instant;
import java.util.function.BiConsumer;

/**
 * The caller's hold on a running grind: it learns the grind's process (to record it in the claim) and can stop
 * the grind at any time, from any thread, with a reason.
 */
public final class GrindControl {

    private final BiConsumer<Long, Instant> onProcessStart;
    private volatile String stopReason;
    private volatile Process process;
    private volatile Runnable onStop = () -> { };

    public GrindControl(BiConsumer<Long, Instant> onProcessStart) {
        this.onProcessStart = onProcessStart;
    }

    public static GrindControl none() {
        return new GrindControl((pid, start) -> { });
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

    void attach(Process started) {
        process = started;
        onProcessStart.accept(started.pid(), started.toHandle().info().startInstant().orElse(Instant.now()));
        if (stopReason != null) {
            ProcessTree.kill(started.toHandle());
        }
    }
}
