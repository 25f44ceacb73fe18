package io.vivarium.grind;

import io.vivarium.os.ProcessTree;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Money;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import io.vivarium.task.Budget;
import io.vivarium.task.Durations;

/**
 * Runs grinds: a task's command (as {@code sh -c} in the workspace, in a process group of its own, without
 * Vivarium's secrets in its environment), else its prompt, else nothing. A command starts only once the caller has
 * recorded its process; it is stopped when it reaches its budget, its timeout, or is stopped by the caller; and
 * however it ends, or if this JVM dies, its whole process group goes with it.
 */
public final class GrindEngine implements GrindRunner {

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    /** With setsid the grind leads a process group of its own, which its watchdog and every kill can reach. */
    private static final boolean GROUPED = Files.isExecutable(SETSID);

    /**
     * The grind's first step: wait for a go line on stdin, a pipe from this JVM that gets it only once the caller
     * has recorded the grind's pid (in the claim), so a takeover can always find a grind that does anything. If
     * the pipe closes first (this JVM died), exit having done nothing.
     */
    private static final String GATE = "read -r go || exit 125\n";

    /**
     * A child that keeps reading the pipe: its end-of-file, when the grind is over or this JVM dies (even by
     * {@code kill -9}), kills the whole group, so no grind and no background child of one outlives its worker.
     */
    private static final String WATCHDOG = "exec 3<&0\n{ while read -r _; do :; done <&3; kill -KILL -$$; } &\n";

    /** The user's command replaces the gate's shell, so it keeps the recorded pid, and reads /dev/null as before. */
    private static final String RUN = "exec sh -c \"$1\" </dev/null 3<&-\n";

    private static final byte[] GO = "go\n".getBytes(StandardCharsets.US_ASCII);

    private final Path workspace;
    private final GrindSettings settings;
    private final PromptRunner prompts;
    private final TaskLogs logs;

    /** {@code prompts} may be null: prompt grinds then fail saying no LLM is configured. */
    public GrindEngine(Path workspace, GrindSettings settings, PromptRunner prompts) {
        this.workspace = workspace.toAbsolutePath().normalize();
        this.settings = settings;
        this.prompts = prompts;
        this.logs = new TaskLogs(this.workspace);
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

        Exec exec;
        try {
            exec = exec(workspace, request.command(), limit, control, request.label());
        } catch (CannotStart e) {
            return GrindResult.failure(0, e.getMessage(), null, null);
        }
        Duration elapsed = exec.elapsed();
        boolean exited = exec.exited();
        String tail = exec.output();
        if (control.isStopped()) {
            return GrindResult.failure(meter.charge(elapsed), "stopped: " + control.stopReason(), exec.exitCode(), tail);
        }
        if (!exited && budgetBinds) {
            return GrindResult.finalFailure(Money.round(request.maxBudget()), String.format(Locale.ROOT,
                    "budget exhausted: stopped after %.1fs at the $%s cap", elapsed.toNanos() / 1e9,
                    Budget.format(request.maxBudget())), null, tail);
        }
        if (!exited) {
            // A time limit is retried like any failure: unlike a spent budget, the next attempt may finish in time.
            return GrindResult.failure(meter.charge(elapsed), "timed out after " + Durations.format(request.timeout()),
                    null, tail);
        }
        int code = exec.exitCode();
        String took = String.format(Locale.ROOT, "%.2fs", elapsed.toNanos() / 1e9);
        if (code == 0) {
            return GrindResult.success(meter.charge(elapsed), "exit code 0 after " + took, 0, tail);
        }
        String last = exec.lastLine();
        return GrindResult.failure(meter.charge(elapsed),
                "exit code " + code + (last.isEmpty() ? "" : ": " + last), code, tail);
    }

    /**
     * Runs {@code command} with {@code sh -c} in {@code directory} as a grind process (its own process group, the
     * secrets withheld, started only once {@code control} has recorded it), for at most {@code limit}. Code grinds
     * run their command and their check this way, in their worktree.
     *
     * @throws CannotStart when the command cannot be started (a failure of {@code control}'s record is rethrown as is)
     */
    public Exec exec(Path directory, String command, Duration limit, GrindControl control) {
        return exec(directory, command, limit, control, null);
    }

    /** {@link #exec}, its output also written as it comes to the live log of task {@code liveLog} (may be null). */
    public Exec exec(Path directory, String command, Duration limit, GrindControl control, String liveLog) {
        ProcessBuilder builder = new ProcessBuilder(launch(command))
                .directory(directory.toFile())
                .redirectErrorStream(true);
        settings.withholdSecrets(builder.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CannotStart("cannot start command: " + e.getMessage(), e);
        }
        OutputTail output = new OutputTail(settings.outputLimitBytes());
        TaskLogs.Sink live = logs.start(liveLog);
        Thread reader = new Thread(() -> output.drain(process.getInputStream(), live), "grind-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();

        long startNanos = System.nanoTime();
        boolean exited;
        try {
            if (control.attach(process)) {
                go(process);
                startNanos = System.nanoTime();
            }
            exited = process.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            control.stop("worker interrupted");
            exited = false;
        } catch (RuntimeException e) {
            // The caller could not record the process: it never got its go, and it must not linger.
            ProcessTree.kill(process.toHandle());
            end(process, reader);
            throw e;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        if (!exited) {
            ProcessTree.kill(process.toHandle());
        }
        end(process, reader);
        Integer code = exited ? Integer.valueOf(process.exitValue()) : exitCode(process);
        return new Exec(exited, code, elapsed, output.text(), output.lastLine());
    }

    public GrindSettings settings() {
        return settings;
    }

    public Path workspace() {
        return workspace;
    }

    /** {@code [setsid] sh -c GATE vivarium-grind COMMAND}: the user's command behind its gate (see {@link #GATE}). */
    private static List<String> launch(String command) {
        List<String> argv = new ArrayList<>();
        if (GROUPED) {
            argv.add(SETSID.toString());
        }
        argv.addAll(List.of("sh", "-c", GROUPED ? GATE + WATCHDOG + RUN : GATE + RUN, "vivarium-grind", command));
        return argv;
    }

    /** Lets the gated command run. A process that is already gone (stopped meanwhile) has nothing to be told. */
    private static void go(Process process) {
        try {
            OutputStream pipe = process.getOutputStream();
            pipe.write(GO);
            pipe.flush();
        } catch (IOException e) {
            // It was killed at its gate: waitFor() sees it end.
        }
    }

    /**
     * Ends the grind's group and waits for it: closing the go pipe is the watchdog's cue to kill the whole group
     * (background children included), and the output reaches end-of-file once the last of them is gone.
     */
    private static void end(Process process, Thread reader) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // Already closed: the watchdog has its end-of-file.
        }
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

    /**
     * The command could not be started (no shell, a bad directory). Its own type, so that callers never mistake a
     * failure to record the process (the store unreachable: the grind must not run and the caller must know) for it.
     */
    public static final class CannotStart extends IllegalStateException {

        CannotStart(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
