package io.vivarium.code.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The user's own {@code git}, run as a process in one directory. Every call turns off what could make a call touch
 * more than it names: automatic garbage collection and maintenance (which take repository-wide locks), and the
 * pager and terminal prompts (a call must never wait for a user), and the user's settings that would make a call
 * behave differently: hooks, signing (a passphrase prompt or a failing gpg stops a commit), the fsmonitor daemon and
 * colour.
 */
public final class Git {

    private static final List<String> QUIET = List.of("-c", "gc.auto=0", "-c", "maintenance.auto=false",
            "-c", "core.hooksPath=/dev/null", "-c", "commit.gpgsign=false", "-c", "core.fsmonitor=false",
            "-c", "color.ui=false", "--no-pager");
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** Output kept per stream: enough to tell a patch over the limit; the rest is read and dropped. */
    static final int OUTPUT_LIMIT = Commits.PATCH_LIMIT + 1;

    private final Path directory;
    private final Duration timeout;

    public Git(Path directory) {
        this(directory, TIMEOUT);
    }

    /** @param timeout how long one call may take before git and its children are killed */
    public Git(Path directory, Duration timeout) {
        this.directory = directory;
        this.timeout = timeout;
    }

    public Path directory() {
        return directory;
    }

    /** What a git call printed and how it ended. */
    public record Result(int exitCode, String out, String err) {

        public boolean ok() {
            return exitCode == 0;
        }

        public String firstErrorLine() {
            String text = err.isBlank() ? out : err;
            return text.strip().lines().filter(l -> !l.isBlank()).findFirst().orElse("exit code " + exitCode);
        }
    }

    /** Runs git; a non-zero exit is a {@link GitException} naming the command and git's first line of complaint. */
    public String run(String... args) {
        Result result = call(Map.of(), args);
        if (!result.ok()) {
            throw new GitException("git " + args[0] + " failed in " + directory + ": " + result.firstErrorLine());
        }
        return result.out();
    }

    /** Runs git, whatever its exit code. */
    public Result call(String... args) {
        return call(Map.of(), args);
    }

    public Result call(Map<String, String> env, String... args) {
        List<String> argv = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            // Its own process group: a kill at the timeout reaches the ssh or helper git is starting just then.
            argv.add(SETSID.toString());
        }
        argv.add("git");
        argv.addAll(QUIET);
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv).directory(directory.toFile());
        builder.environment().put("GIT_TERMINAL_PROMPT", "0");
        builder.environment().put("LC_ALL", "C");
        builder.environment().putAll(env);
        GitEnvironment.scrub(builder.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            if (!Files.isDirectory(directory)) {
                throw new GitException("cannot run git in " + directory + ": no such directory");
            }
            throw new GitException("git is not installed or not on the PATH; install git to use code grinds");
        }
        CappedSink out = new CappedSink();
        CappedSink err = new CappedSink();
        Thread outReader = read(process.getInputStream(), out, "git-stdout");
        Thread errReader = read(process.getErrorStream(), err, "git-stderr");
        try {
            process.getOutputStream().close();
            // A hanging fetch must not hold the repository's lock for ever: the call ends at its timeout.
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new GitException("git " + args[0] + " did not finish within " + timeout.toSeconds()
                        + " s in " + directory);
            }
            outReader.join(5000);
            errReader.join(5000);
            return new Result(process.exitValue(), out.text(), err.text());
        } catch (IOException e) {
            kill(process);
            throw new GitException("git " + args[0] + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new GitException("git " + args[0] + " interrupted");
        }
    }

    /** Git's children (ssh, a credential helper, a remote helper) go too, or they would hold the pipes open. */
    private static void kill(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        if (Files.isExecutable(SETSID)) {
            try {
                new ProcessBuilder("kill", "-KILL", "--", "-" + process.pid())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                // No kill(1): the descendants seen are killed below.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    private static Thread read(InputStream in, CappedSink sink, String name) {
        Thread reader = new Thread(() -> sink.drain(in), name);
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    /** Keeps the first {@link #OUTPUT_LIMIT} bytes of a stream and drains the rest, so git never blocks on a pipe. */
    private static final class CappedSink {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        void drain(InputStream in) {
            byte[] buffer = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    synchronized (this) {
                        int room = OUTPUT_LIMIT - kept.size();
                        if (room > 0) {
                            kept.write(buffer, 0, Math.min(room, n));
                        }
                    }
                }
            } catch (IOException e) {
                // The process ended under us: what arrived is what there is.
            }
        }

        synchronized String text() {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }

    /** Whether {@code git} can be run at all. */
    public static boolean installed() {
        try {
            Process p = new ProcessBuilder("git", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
