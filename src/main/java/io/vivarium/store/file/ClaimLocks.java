package io.vivarium.store.file;

import io.vivarium.store.Claim;
import io.vivarium.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Claim files and the {@code FileChannel} locks on them.
 *
 * <p>A claim file is born whole and locked: the record is written to a temp file that is already locked, and the
 * temp file is then hard-linked to {@code <id>.lock}. A link fails if the name exists, so exactly one worker wins,
 * and since a link shares the inode, the lock is on the claim file from its first moment. The owner's process
 * holds the lock until it ends, so a claim file whose lock is free belongs to a dead process.
 *
 * <p>Closing any descriptor of a file drops every lock this JVM holds on it. So this JVM never opens a claim file
 * it holds (those are answered from {@link #HELD}), and opening any other claim file waits while a claim is being
 * created ({@link #FILE_ACCESS}).
 *
 * <p>Only regular files are claims: that is the only kind this class makes. Any other entry with a claim's name (a
 * link, a named pipe) is never opened; it reads as the claim of a dead owner, so it is removed like one, by an
 * unlink inside the real {@code task_locks/} that cannot reach what a link points to.
 */
final class ClaimLocks {

    private static final ConcurrentHashMap<Path, HeldClaim> HELD = new ConcurrentHashMap<>();
    private static final ReentrantReadWriteLock FILE_ACCESS = new ReentrantReadWriteLock();
    /** Starts at random so that a lease of another JVM, handed to this one, cannot match a claim held here. */
    private static final AtomicLong NEXT_FENCE = new AtomicLong(ThreadLocalRandom.current().nextLong() >>> 1);

    /** A claim this JVM holds: its locked channel stays open until the claim is released or lost. */
    static final class HeldClaim {
        final Path path;
        final Object fileKey;
        /**
         * What a {@code Lease} carries to name this claim and no later one. Not the inode: once a released claim's
         * channel is closed, the next claim file of the same task may get the same inode, and the old lease would
         * then pass for the new claim.
         */
        final long fence;
        private final FileChannel channel;
        private volatile Claim record;
        private volatile boolean lost;

        private HeldClaim(Path path, Object fileKey, FileChannel channel, Claim record) {
            this.path = path;
            this.fileKey = fileKey;
            this.fence = NEXT_FENCE.getAndIncrement();
            this.channel = channel;
            this.record = record;
        }

        Claim record() {
            return record;
        }
    }

    /** What a claim file that this JVM does not hold tells about its owner. */
    record Inspection(State state, Claim record, Object fileKey, FileTime modified) {
        enum State { GONE, OURS, OWNER_ALIVE, OWNER_DEAD }

        long fence() {
            return fenceOf(fileKey);
        }
    }

    /** Creates the claim file; empty when the name is taken. Called under the workspace lock. */
    Optional<HeldClaim> tryAcquire(Path lockFile, Claim record) {
        if (!removeIfNotAClaim(lockFile)) {
            return Optional.empty();
        }
        Path temp = lockFile.resolveSibling("." + lockFile.getFileName() + "." + UUID.randomUUID() + ".tmp");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            channel.lock();
            write(channel, record);
            Object key = fileKey(temp);
            HeldClaim held = new HeldClaim(lockFile, key, channel, record);
            FILE_ACCESS.writeLock().lock();
            try {
                if (HELD.putIfAbsent(lockFile, held) != null) {
                    channel.close();
                    return Optional.empty();
                }
                try {
                    Files.createLink(lockFile, temp);
                } catch (FileAlreadyExistsException e) {
                    HELD.remove(lockFile, held);
                    channel.close();
                    return Optional.empty();
                }
            } finally {
                FILE_ACCESS.writeLock().unlock();
            }
            return Optional.of(held);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StoreException("cannot create claim " + lockFile + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // A leftover hidden temp file is harmless: its name never matches *.lock.
            }
        }
    }

    /** Still ours: not given up, and the name still points at the inode we locked. */
    boolean owns(HeldClaim held) {
        if (held.lost) {
            return false;
        }
        try {
            if (Objects.equals(fileKey(held.path), held.fileKey)) {
                return true;
            }
        } catch (IOException e) {
            return false;
        }
        held.lost = true;
        return false;
    }

    /** Rewrites the record through the locked channel; false if the claim was lost meanwhile. */
    boolean update(HeldClaim held, Claim record) {
        if (!owns(held)) {
            return false;
        }
        try {
            write(held.channel, record);
            held.record = record;
            return true;
        } catch (IOException e) {
            return owns(held);
        }
    }

    /** Gives up a claim we own: removes the file, then closes the channel (which drops the lock). */
    void release(HeldClaim held) {
        try {
            if (owns(held)) {
                SafeFiles.unlinkIfSame(held.path.getParent(), held.path.getFileName(), held.fileKey);
            }
        } catch (IOException e) {
            throw new StoreException("cannot remove claim " + held.path + ": " + e.getMessage(), e);
        } finally {
            forget(held);
        }
    }

    /** Drops our channel on a claim that is no longer ours; the file at its path belongs to someone else now. */
    void forget(HeldClaim held) {
        held.lost = true;
        HELD.remove(held.path, held);
        closeQuietly(held.channel);
    }

    Optional<HeldClaim> heldAt(Path lockFile) {
        return Optional.ofNullable(HELD.get(lockFile));
    }

    Inspection inspect(Path lockFile) {
        FILE_ACCESS.readLock().lock();
        try {
            HeldClaim held = HELD.get(lockFile);
            if (held != null) {
                return new Inspection(Inspection.State.OURS, held.record, held.fileKey, null);
            }
            BasicFileAttributes entry = SafeFiles.entry(lockFile);
            if (entry == null) {
                return new Inspection(Inspection.State.GONE, null, null, null);
            }
            if (!entry.isRegularFile()) {
                if (entry.isDirectory()) {
                    throw directoryInstead(lockFile);
                }
                return new Inspection(Inspection.State.OWNER_DEAD, null, entry.fileKey(), entry.lastModifiedTime());
            }
            try (FileChannel channel = SafeFiles.openRegular(lockFile, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                Object key = fileKey(lockFile);
                FileTime modified = Files.getLastModifiedTime(lockFile);
                Claim record = read(channel);
                FileLock probe = channel.tryLock();
                if (probe != null) {
                    probe.release();
                    return new Inspection(Inspection.State.OWNER_DEAD, record, key, modified);
                }
                return new Inspection(Inspection.State.OWNER_ALIVE, record, key, modified);
            }
        } catch (NoSuchFileException e) {
            return new Inspection(Inspection.State.GONE, null, null, null);
        } catch (IOException e) {
            throw new StoreException("cannot inspect claim " + lockFile + ": " + e.getMessage(), e);
        } finally {
            FILE_ACCESS.readLock().unlock();
        }
    }

    /** The record of any claim file, without disturbing the locks of claims this JVM holds. */
    Optional<Claim> readRecord(Path lockFile) {
        FILE_ACCESS.readLock().lock();
        try {
            HeldClaim held = HELD.get(lockFile);
            if (held != null) {
                return Optional.of(held.record);
            }
            return Optional.ofNullable(parse(SafeFiles.readRegular(lockFile, SafeFiles.MAX_CLAIM_BYTES)));
        } catch (IOException | UnusableFileException e) {
            // Gone, or no claim at all (a link, a pipe, a file too long to be one): nothing to show.
            return Optional.empty();
        } finally {
            FILE_ACCESS.readLock().unlock();
        }
    }

    /** Removes a claim file if it is still the one that was inspected; a newer claim under the name survives. */
    boolean deleteIfSame(Path lockFile, Object fileKey) {
        try {
            return SafeFiles.unlinkIfSame(lockFile.getParent(), lockFile.getFileName(), fileKey);
        } catch (IOException e) {
            throw new StoreException("cannot remove claim " + lockFile + ": " + e.getMessage(), e);
        }
    }

    private static void write(FileChannel channel, Claim record) throws IOException {
        byte[] bytes = WorkspaceJson.compact(record);
        ByteBuffer buffer = ByteBuffer.allocate(bytes.length + 1).put(bytes).put((byte) '\n').flip();
        long position = 0;
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
        channel.truncate(position);
    }

    private static Claim read(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size <= 0 || size > SafeFiles.MAX_CLAIM_BYTES) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // keep reading until the buffer is full or the file ends
        }
        return parse(Arrays.copyOf(buffer.array(), buffer.position()));
    }

    private static Claim parse(byte[] bytes) {
        try {
            return WorkspaceJson.mapper().readValue(bytes, Claim.class);
        } catch (RuntimeException e) {
            // A torn or hand-edited record: callers fall back to the file's lock and mtime.
            return null;
        }
    }

    /**
     * A claim file's identity as a number. The key's text is {@code (dev=…,ino=…)} on Linux; the inode alone is
     * enough within one {@code task_locks/} directory, and the hash covers file systems that say otherwise.
     */
    static long fenceOf(Object fileKey) {
        if (fileKey == null) {
            return 0;
        }
        Matcher inode = INODE.matcher(fileKey.toString());
        return inode.find() ? Long.parseUnsignedLong(inode.group(1)) : fileKey.hashCode();
    }

    private static final Pattern INODE = Pattern.compile("ino=(\\d+)");

    private static Object fileKey(Path file) throws IOException {
        BasicFileAttributes entry = SafeFiles.entry(file);
        return entry == null ? null : entry.fileKey();
    }

    /**
     * True when the name is free for a new claim: nothing is there, or something that is no claim (a dangling
     * link, a named pipe) was there and has been unlinked. False when a claim file holds the name.
     */
    private static boolean removeIfNotAClaim(Path lockFile) {
        try {
            BasicFileAttributes entry = SafeFiles.entry(lockFile);
            if (entry == null) {
                return true;
            }
            if (entry.isRegularFile()) {
                return false;
            }
            if (entry.isDirectory()) {
                throw directoryInstead(lockFile);
            }
            SafeFiles.unlinkIfSame(lockFile.getParent(), lockFile.getFileName(), entry.fileKey());
            return SafeFiles.entry(lockFile) == null;
        } catch (IOException e) {
            throw new StoreException("cannot check claim " + lockFile + ": " + e.getMessage(), e);
        }
    }

    private static UnusableFileException directoryInstead(Path lockFile) {
        return new UnusableFileException(lockFile, "a directory where a claim file belongs: Vivarium never removes "
                + "a directory there");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a channel we are discarding
            }
        }
    }
}
