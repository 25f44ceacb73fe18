package io.vivarium.code.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serializes what touches git's shared lock files (worktree creation and removal, pruning, branch moves) across
 * every thread and process of every worker on one repository: git answers a second writer by failing, not waiting.
 * Threads of one JVM queue on a lock in memory first, since a JVM may hold one file lock per file.
 */
public final class GitLock {

    private static final ConcurrentHashMap<Path, GitLock> LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final ReentrantLock inJvm = new ReentrantLock();

    private GitLock(Path file) {
        this.file = file;
    }

    static GitLock of(Path file) {
        return LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), GitLock::new);
    }

    public <T> T holding(Supplier<T> action) {
        inJvm.lock();
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock held = acquire(channel)) {
                return action.get();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + file, e);
        } finally {
            inJvm.unlock();
        }
    }

    /**
     * Polls rather than blocks: the kernel's deadlock check for POSIX locks counts a whole process as waiting, so a
     * blocking wait here while another thread of this JVM holds the workspace's lock (and a thread of the other
     * process holding this one waits for it) fails with "Resource deadlock avoided", though no thread waits on
     * another. A lock that is only ever tried is never part of such a cycle.
     */
    private static FileLock acquire(FileChannel channel) throws IOException, InterruptedException {
        long pause = 1;
        while (true) {
            FileLock held = channel.tryLock();
            if (held != null) {
                return held;
            }
            Thread.sleep(pause);
            pause = Math.min(20, pause * 2);
        }
    }

    public void holding(Runnable action) {
        holding(() -> {
            action.run();
            return null;
        });
    }
}
