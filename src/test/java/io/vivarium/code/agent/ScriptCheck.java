package io.vivarium.code.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A real check: {@code sh -c COMMAND} in the worktree, its output's tail and exit code, timed. */
final class ScriptCheck implements CheckRunner {

    private final Path worktree;
    private final String command;
    final AtomicInteger runs = new AtomicInteger();

    ScriptCheck(Path worktree, String command) {
        this.worktree = worktree;
        this.command = command;
    }

    @Override
    public CheckOutcome run() {
        runs.incrementAndGet();
        long start = System.nanoTime();
        try {
            Process process = new ProcessBuilder("sh", "-c", command).directory(worktree.toFile())
                    .redirectErrorStream(true).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new CheckOutcome(command, null, false, seconds(start), "timed out");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            String tail = text.length() > 4000 ? text.substring(text.length() - 4000) : text;
            return new CheckOutcome(command, process.exitValue(), process.exitValue() == 0, seconds(start), tail);
        } catch (IOException e) {
            return new CheckOutcome(command, null, false, seconds(start), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CheckOutcome(command, null, false, seconds(start), "interrupted");
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
