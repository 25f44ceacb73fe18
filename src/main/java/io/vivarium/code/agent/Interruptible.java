package io.vivarium.code.agent;

import io.vivarium.grind.GrindControl;

/**
 * While the agent waits for the model, stopping the grind interrupts its thread, so a stop does not wait out an
 * answer (the JDK's HTTP client gives up on interrupt). Only then: an interrupt during a tool could cut a file's
 * write short, and the check's process is the caller's to kill. The interrupt it sent is cleared when the wait
 * ends, so that it cannot hit the next tool or the caller's commit.
 */
final class Interruptible {

    private final Thread thread = Thread.currentThread();
    private boolean waiting;
    private boolean interrupted;

    static Interruptible on(GrindControl control) {
        Interruptible guard = new Interruptible();
        control.whenStopped(guard::interrupt);
        return guard;
    }

    /** Marks the wait for the model; closing it ends the wait. */
    Wait waiting() {
        synchronized (this) {
            waiting = true;
        }
        return this::endWait;
    }

    private synchronized void interrupt() {
        if (waiting) {
            interrupted = true;
            thread.interrupt();
        }
    }

    private synchronized void endWait() {
        waiting = false;
        if (interrupted) {
            interrupted = false;
            Thread.interrupted();
        }
    }

    interface Wait extends AutoCloseable {
        @Override
        void close();
    }
}
