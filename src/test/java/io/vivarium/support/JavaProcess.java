package io.vivarium.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a main class in a separate JVM with the test classpath: a real second process, not a thread. */
public final class JavaProcess {

    private JavaProcess() {
    }

    public static Process start(Path logFile, Class<?> main, String... args) {
        return start(logFile, java.util.Map.of(), main, args);
    }

    public static Process start(Path logFile, java.util.Map<String, String> env, Class<?> main, String... args) {
        ProcessBuilder builder = builder(main, args)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(env);
        return start(builder);
    }

    /** The command line of a child JVM, for callers that talk to it through its standard streams. */
    public static ProcessBuilder builder(Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xshare:auto");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    public static Process start(ProcessBuilder builder) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
