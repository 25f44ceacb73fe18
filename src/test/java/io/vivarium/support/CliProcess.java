package io.vivarium.support;

import io.vivarium.Vivarium;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The real CLI in a separate JVM: {@code java -cp … io.vivarium.Vivarium ARGS}, output captured to a file. */
public record CliProcess(Process process, Path outputFile) {

    public static CliProcess start(Path outputFile, String... args) {
        return new CliProcess(JavaProcess.start(outputFile, Vivarium.class, args), outputFile);
    }

    public static CliProcess start(Path outputFile, java.util.Map<String, String> env, String... args) {
        return new CliProcess(JavaProcess.start(outputFile, env, Vivarium.class, args), outputFile);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("process did not finish in " + seconds + " s; output:\n" + output());
        }
        return process.exitValue();
    }

    public String output() {
        try {
            return Files.exists(outputFile) ? Files.readString(outputFile) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void signal(String name) {
        try {
            new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
