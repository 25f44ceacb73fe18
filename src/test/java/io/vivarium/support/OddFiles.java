package io.vivarium.support;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The odd entries a careless user or an attacker leaves in a workspace: named pipes, huge sparse files, links. */
public final class OddFiles {

    private OddFiles() {
    }

    public static Path fifo(Path path) {
        try {
            Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
            String output = new String(mkfifo.getInputStream().readAllBytes());
            if (mkfifo.waitFor() != 0) {
                throw new IllegalStateException("mkfifo " + path + ": " + output);
            }
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A file that claims {@code size} bytes but takes no disk space. */
    public static Path sparse(Path path, long size) {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(size);
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path link(Path link, Path target) {
        try {
            return Files.createSymbolicLink(link, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code body} and fails if it takes longer than {@code limit}. A body stuck opening one of the named
     * {@code pipes} is released (the pipe is opened for writing and closed, so the reader sees its end) before the
     * failure is reported, so a hang fails the test instead of stalling the build.
     */
    public static <T> T within(Duration limit, List<Path> pipes, Callable<T> body) throws Exception {
        FutureTask<T> task = new FutureTask<>(body);
        Thread thread = new Thread(task, "bounded-" + body);
        thread.setDaemon(true);
        thread.start();
        try {
            return task.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            for (int i = 0; i < 50 && thread.isAlive(); i++) {
                pipes.forEach(OddFiles::release);
                thread.join(100);
            }
            throw new AssertionError("still running after " + limit.toMillis() + " ms (hung on a named pipe?)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static void release(Path pipe) {
        // O_RDWR never blocks on a pipe, and it lets a reader blocked in open(2) through to end-of-file.
        try {
            if (Files.readAttributes(pipe, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                new RandomAccessFile(pipe.toFile(), "rw").close();
            }
        } catch (IOException e) {
            // no longer a pipe: nothing to release
        }
    }
}
