package io.vivarium.code;

import io.vivarium.code.agent.CheckOutcome;
import io.vivarium.code.agent.CheckRunner;
import io.vivarium.grind.Exec;
import io.vivarium.grind.GrindControl;
import io.vivarium.grind.GrindEngine;
import io.vivarium.code.git.Git;
import io.vivarium.code.git.GitEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

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
        Set<String> untracked = untracked();
        Exec exec;
        try {
            exec = engine.exec(tree, command, budget.timeLeft(), control, null, GitEnvironment::scrub);
        } catch (GrindEngine.CannotStart e) {
            return new CheckOutcome(command, null, false, 0, e.getMessage());
        }
        budget.chargeSeconds(exec.seconds());
        removeCreatedSince(untracked);
        String output = tail(exec.output());
        if (!exec.exited()) {
            ranOutOfBudget = !control.isStopped();
            return new CheckOutcome(command, null, false, exec.seconds(),
                    output + (ranOutOfBudget ? "\n[check stopped: budget exhausted]" : "\n[check stopped]"));
        }
        return new CheckOutcome(command, exec.exitCode(), exec.exitCode() == 0, exec.seconds(), output);
    }

    /** New files the repository does not ignore, as git lists them. */
    private Set<String> untracked() {
        Git.Result listed = new Git(tree).call("ls-files", "--others", "--exclude-standard", "-z");
        return listed.ok() ? new HashSet<>(Arrays.asList(listed.out().split("\0"))) : Set.of();
    }

    /**
     * A check's by-products (bytecode caches, reports) the repository does not ignore would be committed with the
     * change: the files it created are removed again. A file the work created before the check is kept.
     */
    private void removeCreatedSince(Set<String> before) {
        for (String path : untracked()) {
            if (!path.isEmpty() && !before.contains(path)) {
                try {
                    Files.deleteIfExists(tree.resolve(path));
                } catch (IOException e) {
                    // Left in place: it is committed with the change, visibly.
                }
            }
        }
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
