package io.vivarium.code;

import io.vivarium.code.agent.CheckOutcome;
import io.vivarium.code.agent.CheckRunner;
import io.vivarium.grind.Exec;
import io.vivarium.grind.GrindControl;
import io.vivarium.grind.GrindEngine;
import java.nio.file.Path;

/**
 * Runs the task's check in its worktree as a grind process (the grind's process group, the secrets withheld), for
 * no longer than the budget left can pay, and charges its seconds to that budget.
 */
final class WorktreeCheck implements CheckRunner {

    /** The run entry keeps this much of the check's output, its end. */
    static final int OUTPUT_LIMIT = 16 * 1024;

    private final GrindEngine engine;
    private final Path tree;
    private final String command;
    private final GrindBudget budget;
    private final GrindControl control;
    private volatile boolean ranOutOfBudget;

    /** @param command null when the task has no check */
    WorktreeCheck(GrindEngine engine, Path tree, String command, GrindBudget budget, GrindControl control) {
        this.engine = engine;
        this.tree = tree;
        this.command = command;
        this.budget = budget;
        this.control = control;
    }

    @Override
    public CheckOutcome run() {
        if (command == null) {
            return CheckOutcome.none();
        }
        if (budget.exhausted() || control.isStopped()) {
            ranOutOfBudget = budget.exhausted();
            return new CheckOutcome(command, null, false, 0,
                    control.isStopped() ? "not run: the grind was stopped" : "not run: budget exhausted");
        }
        Exec exec;
        try {
            exec = engine.exec(tree, command, budget.timeLeft(), control);
        } catch (IllegalStateException e) {
            return new CheckOutcome(command, null, false, 0, e.getMessage());
        }
        budget.chargeSeconds(exec.seconds());
        String output = tail(exec.output());
        if (!exec.exited()) {
            ranOutOfBudget = !control.isStopped();
            return new CheckOutcome(command, null, false, exec.seconds(),
                    output + (ranOutOfBudget ? "\n[check stopped: budget exhausted]" : "\n[check stopped]"));
        }
        return new CheckOutcome(command, exec.exitCode(), exec.exitCode() == 0, exec.seconds(), output);
    }

    boolean ranOutOfBudget() {
        return ranOutOfBudget;
    }

    String command() {
        return command;
    }

    static String tail(String output) {
        if (output == null || output.length() <= OUTPUT_LIMIT) {
            return output;
        }
        return "[…]\n" + output.substring(output.length() - OUTPUT_LIMIT);
    }
}
