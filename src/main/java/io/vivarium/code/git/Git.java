package io.vivarium.code.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
    private static final long TIMEOUT_SECONDS = 120;

    private final Path directory;

    public Git(Path directory) {
        this.directory = directory;
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
            if (!java.nio.file.Files.isDirectory(directory)) {
                throw new GitException("cannot run git in " + directory + ": no such directory");
            }
            throw new GitException("git is not installed or not on the PATH; install git to use code grinds");
        }
        try {
            process.getOutputStream().close();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = new Thread(() -> copy(process.getErrorStream(), err), "git-stderr");
            errReader.setDaemon(true);
            errReader.start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new GitException("git " + args[0] + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            errReader.join(5000);
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new GitException("git " + args[0] + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new GitException("git " + args[0] + " interrupted");
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream sink) {
        try {
            in.transferTo(sink);
        } catch (IOException e) {
            // The process ended under us: what arrived is what there is.
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
