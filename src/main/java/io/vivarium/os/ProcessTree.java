package io.vivarium.os;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Ends a grind's whole process tree. Grinds run as the leader of their own process group ({@code setsid}), so
 * killing the group also reaches grandchildren that were orphaned when their parent died.
 */
public final class ProcessTree {

    /** A recorded start time within this of the live process's means it is the same process, not a reused pid. */
    private static final Duration START_TOLERANCE = Duration.ofSeconds(2);

    private ProcessTree() {
    }

    /** Kills the tree rooted at {@code pid} if that pid is still the process that started at {@code startedAt}. */
    public static boolean killIfSame(long pid, Instant startedAt) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            killGroup(pid);
            return false;
        }
        Optional<Instant> actualStart = handle.get().info().startInstant();
        if (startedAt != null && actualStart.isPresent()
                && Duration.between(startedAt, actualStart.get()).abs().compareTo(START_TOLERANCE) > 0) {
            return false;
        }
        kill(handle.get());
        return true;
    }

    /** Kills a process, its process group and every descendant we can still see. */
    public static void kill(ProcessHandle root) {
        var descendants = root.descendants().toList();
        killGroup(root.pid());
        root.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    private static void killGroup(long pgid) {
        try {
            Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + pgid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // No kill(1) on this system: descendants() below is the fallback.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Host name without a DNS lookup, so that start-up never waits on the network. */
    public static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return Files.readString(Path.of("/etc/hostname")).trim();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
