package io.vivarium.store.file;

import io.vivarium.store.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The workspace's exclusive lock, across threads and processes. Threads of this JVM queue on a {@link ReentrantLock};
 * the one holding it then takes a {@link FileLock} that other processes wait on.
 *
 * <p>There is exactly one instance per lock file per JVM, and its channel is never closed: closing any channel on a
 * file can drop every lock this JVM holds on that file, and a second {@code lock()} from the same JVM throws.
 *
 * <p>The lock file and its directory are never followed through a link: both are checked on every acquisition,
 * and everything done under the lock inside {@code task_locks/} relies on that check.
 */
final class WorkspaceLock {

    private static final ConcurrentHashMap<Path, WorkspaceLock> PER_FILE = new ConcurrentHashMap<>();

    private final Path file;
    private final ReentrantLock threads = new ReentrantLock();
    private FileChannel channel;
    private Object channelFileKey;

    private WorkspaceLock(Path file) {
        this.file = file;
    }

    static WorkspaceLock of(Path file) {
        return PER_FILE.computeIfAbsent(file.toAbsolutePath().normalize(), WorkspaceLock::new);
    }

    <T> T callExclusive(Supplier<T> body) {
        threads.lock();
        try {
            if (threads.getHoldCount() > 1) {
                return body.get();
            }
            FileLock held = acquireFileLock();
            try {
                return body.get();
            } finally {
                release(held);
            }
        } finally {
            threads.unlock();
        }
    }

    void runExclusive(Runnable body) {
        callExclusive(() -> {
            body.run();
            return null;
        });
    }

    boolean isHeldByCurrentThread() {
        return threads.isHeldByCurrentThread();
    }

    /**
     * The file lock, or null on a read-only filesystem: there no one can write, so readers need no lock, and a
     * writer fails on its first write with the filesystem's own message.
     */
    private FileLock acquireFileLock() {
        try {
            while (true) {
                SafeFiles.createDirectory(file.getParent());
                FileChannel ch;
                try {
                    ch = openChannel();
                } catch (java.nio.file.FileSystemException e) {
                    if (readOnly(e)) {
                        return null;
                    }
                    throw e;
                }
                FileLock lock = ch.lock();
                // Someone deleted or replaced the lock file while we waited: a lock on the old inode excludes no one.
                if (Objects.equals(currentFileKey(), channelFileKey)) {
                    return lock;
                }
                lock.release();
                channel = null;
            }
        } catch (IOException e) {
            throw new StoreException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    private FileChannel openChannel() throws IOException {
        if (channel == null || !channel.isOpen()) {
            BasicFileAttributes entry = SafeFiles.entry(file);
            if (entry != null) {
                SafeFiles.requireRegular(file, entry, Long.MAX_VALUE);
            }
            // The previous channel, if any, stays open on purpose (see class comment); it is one descriptor.
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            channelFileKey = currentFileKey();
        }
        return channel;
    }

    private Object currentFileKey() throws IOException {
        BasicFileAttributes entry = SafeFiles.entry(file);
        return entry == null ? null : entry.fileKey();
    }

    private static boolean readOnly(java.nio.file.FileSystemException e) {
        return e.getMessage() != null && e.getMessage().contains("Read-only file system");
    }

    private static void release(FileLock lock) {
        if (lock == null) {
            return;
        }
        try {
            lock.release();
        } catch (IOException e) {
            throw new StoreException("cannot release workspace lock: " + e.getMessage(), e);
        }
    }
}
