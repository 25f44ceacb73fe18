package io.vivarium.code.agent;

import io.vivarium.grind.GrindControl;

/**
 * While the agent runs, stopping the grind interrupts its thread, so a stop does not wait out a model's answer
 * (the JDK's HTTP client gives up on interrupt). Once closed, a late stop interrupts nothing, and the interrupt it
 * sent is cleared so that it cannot hit the caller's commit.
 */
final class Interruptible implements AutoCloseable {

    private final Thread thread = Thread.currentThread();
    private boolean open = true;
    private boolean interrupted;

    static Interruptible on(GrindControl control) {
        Interruptible guard = new Interruptible();
        control.whenStopped(guard::interrupt);
        return guard;
    }

    private synchronized void interrupt() {
        if (open) {
            interrupted = true;
            thread.interrupt();
        }
    }

    @Override
    public synchronized void close() {
        open = false;
        if (interrupted) {
            Thread.interrupted();
        }
    }
}
