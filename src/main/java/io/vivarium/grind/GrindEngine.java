package io.vivarium.grind;

import io.vivarium.os.ProcessTree;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Money;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs grinds: a task's command (as {@code sh -c} in the workspace, in a process group of its own), else its
 * prompt, else nothing. A command is stopped when it reaches its budget, its timeout, or is stopped by the caller,
 * and its whole process tree goes with it.
 */
public final class GrindEngine implements GrindRunner {

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final Path workspace;
    private final GrindSettings settings;
    private final PromptRunner prompts;

    /** {@code prompts} may be null: prompt grinds then fail saying no LLM is configured. */
    public GrindEngine(Path workspace, GrindSettings settings, PromptRunner prompts) {
        this.workspace = workspace.toAbsolutePath().normalize();
        this.settings = settings;
        this.prompts = prompts;
    }

    @Override
    public GrindResult run(GrindRequest request, GrindControl control) {
        if (request.command() != null) {
            return runCommand(request, control);
        }
        if (request.prompt() != null) {
            if (prompts == null) {
                // Nothing ran, so nothing is charged.
                return GrindResult.finalFailure(0, "no LLM configured for prompt grinds: set TOGETHER_API_KEY",
                        null, null);
            }
            return prompts.run(request, control);
        }
        // An empty grind does no work and is charged its minimum, as the original system's manual workflow expects.
        return GrindResult.success(Money.round(request.minBudget()),
                "Grind completed with intensity=" + request.intensity(), null, null);
    }

    private GrindResult runCommand(GrindRequest request, GrindControl control) {
        BudgetMeter meter = new BudgetMeter(settings.dollarsPerSecond(), request.intensity(), request.minBudget(),
                request.maxBudget());
        Duration budgetTime = meter.timeAllowed();
        boolean budgetBinds = request.timeout() == null || budgetTime.compareTo(request.timeout()) <= 0;
        Duration limit = budgetBinds ? budgetTime : request.timeout();

        long startNanos = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(shell(request.command()))
                    .directory(workspace.toFile())
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            return GrindResult.failure(0, "cannot start command: " + e.getMessage(), null, null);
        }
        OutputTail output = new OutputTail(settings.outputLimitBytes());
        Thread reader = new Thread(() -> output.drain(process.getInputStream()), "grind-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        control.attach(process);

        boolean exited;
        try {
            exited = process.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            control.stop("worker interrupted");
            exited = false;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        if (!exited) {
            ProcessTree.kill(process.toHandle());
        }
        awaitQuietly(process, reader);

        String tail = output.text();
        if (control.isStopped()) {
            return GrindResult.failure(meter.charge(elapsed), "stopped: " + control.stopReason(), exitCode(process), tail);
        }
        if (!exited && budgetBinds) {
            return GrindResult.finalFailure(Money.round(request.maxBudget()), String.format(Locale.ROOT,
                    "budget exhausted: stopped after %.1fs at the $%s cap", elapsed.toNanos() / 1e9,
                    io.vivarium.task.Budget.format(request.maxBudget())), null, tail);
        }
        if (!exited) {
            return GrindResult.failure(meter.charge(elapsed), String.format(Locale.ROOT, "timed out after %.1fs",
                    elapsed.toNanos() / 1e9), null, tail);
        }
        int code = process.exitValue();
        String took = String.format(Locale.ROOT, "%.2fs", elapsed.toNanos() / 1e9);
        if (code == 0) {
            return GrindResult.success(meter.charge(elapsed), "exit code 0 after " + took, 0, tail);
        }
        String last = output.lastLine();
        return GrindResult.failure(meter.charge(elapsed),
                "exit code " + code + (last.isEmpty() ? "" : ": " + last), code, tail);
    }

    private static List<String> shell(String command) {
        List<String> argv = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            argv.add(SETSID.toString());
        }
        argv.add("sh");
        argv.add("-c");
        argv.add(command);
        return argv;
    }

    private static void awaitQuietly(Process process, Thread reader) {
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Integer exitCode(Process process) {
        return process.isAlive() ? null : process.exitValue();
    }
}
