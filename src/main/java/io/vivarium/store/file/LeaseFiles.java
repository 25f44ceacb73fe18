package io.vivarium.store.file;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.vivarium.store.Claim;
import io.vivarium.store.StoreException;
import io.vivarium.store.WorkspaceJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Lease files: {@code task_locks/<host>-<pid>-<n>.lock}, one per store instance that runs tasks, one line per task it
 * holds. {@code ls task_locks/} shows who holds tasks, {@code cat} shows which. The owner holds a {@code FileChannel}
 * lock on its file while it lives, so a file whose lock is free belongs to a dead process, and every task it lists
 * may be taken over at once; a live owner renews the lines' {@code heartbeat_at}. A file that vanished or was
 * replaced under its owner ({@code rm task_locks/*.lock}) ends every lease in it.
 *
 * <p>The files of earlier versions, one claim per {@code <id>.lock}, read as lease files of one line.
 *
 * <p>Closing any descriptor of a file drops every lock this JVM holds on it, and a second lock from the same JVM
 * throws. So lease files held in this JVM are registered in {@link #OWN} and answered from memory, and opening any
 * other lease file waits while one is being created here ({@link #FILE_ACCESS}).
 */
final class LeaseFiles {

    private static final ConcurrentHashMap<Path, Own> OWN = new ConcurrentHashMap<>();
    private static final ReentrantReadWriteLock FILE_ACCESS = new ReentrantReadWriteLock();
    /** Starts at random so that a lease of another JVM, handed to this one, cannot match a lease held here. */
    private static final AtomicLong NEXT_FENCE = new AtomicLong(ThreadLocalRandom.current().nextLong() >>> 1);
    private static final AtomicLong NEXT_FILE = new AtomicLong();

    private LeaseFiles() {
    }

    /** One line of a lease file: a claim, and the number that names it and no later claim of the same task. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"task_id", "worker_id", "pid", "host", "acquired_at", "heartbeat_at", "grind_pid",
            "grind_started_at", "fence"})
    record Line(String taskId, String workerId, long pid, String host, Instant acquiredAt, Instant heartbeatAt,
                Long grindPid, Instant grindStartedAt, Long fence) {

        static Line of(Claim claim, long fence) {
            return new Line(claim.taskId(), claim.workerId(), claim.pid(), claim.host(), claim.acquiredAt(),
                    claim.heartbeatAt(), claim.grindPid(), claim.grindStartedAt(), fence);
        }

        Claim claim() {
            return new Claim(taskId, workerId, pid, host, acquiredAt, heartbeatAt, grindPid, grindStartedAt);
        }

        long fenceOrZero() {
            return fence == null ? 0 : fence;
        }
    }

    /** A lease file as another holder sees it. */
    record Found(Path file, Object fileKey, State state, FileTime modified, List<Line> lines) {
        enum State { OURS, SAME_JVM, ALIVE, DEAD }

        Optional<Line> line(String taskId, long fence) {
            return lines.stream().filter(l -> l.taskId().equals(taskId) && l.fenceOrZero() == fence).findFirst();
        }
    }

    /** The lease file of one store instance: the tasks it holds, written through the channel that holds its lock. */
    static final class Own {
        private final Path dir;
        private final String name;
        private Path path;
        private FileChannel channel;
        private Object fileKey;
        private final Map<String, Held> held = new LinkedHashMap<>();
        /** Held tasks whose claims someone else ended by removing this file: lost, but listed until they stop. */
        private final java.util.Set<String> revoked = new java.util.HashSet<>();

        Own(Path dir, String host, long pid) {
            this.dir = dir;
            this.name = sanitize(host) + "-" + pid + "-" + NEXT_FILE.incrementAndGet() + ".lock";
        }

        /** A task held here: the fence its lease carries and its line. */
        static final class Held {
            final long fence;
            Claim claim;
            /** The line as written, kept so that a commit rewrites the file without encoding every claim again. */
            private byte[] line;

            Held(long fence, Claim claim) {
                this.fence = fence;
                this.claim = claim;
            }

            byte[] line() {
                if (line == null) {
                    byte[] json = WorkspaceJson.compact(Line.of(claim, fence));
                    line = java.util.Arrays.copyOf(json, json.length + 1);
                    line[json.length] = '\n';
                }
                return line;
            }
        }

        synchronized Optional<Held> get(String taskId) {
            return Optional.ofNullable(held.get(taskId));
        }

        synchronized Collection<String> taskIds() {
            return List.copyOf(held.keySet());
        }

        synchronized long add(Claim claim) {
            long fence = NEXT_FENCE.getAndIncrement();
            held.put(claim.taskId(), new Held(fence, claim));
            return fence;
        }

        synchronized void remove(String taskId) {
            held.remove(taskId);
            revoked.remove(taskId);
        }

        /** Whether the task is held here under a claim still in force: held with this fence, and not revoked. */
        synchronized boolean holds(String taskId, long fence) {
            Held h = held.get(taskId);
            return h != null && h.fence == fence && !revoked.contains(taskId);
        }

        synchronized boolean isRevoked(String taskId) {
            return revoked.contains(taskId);
        }

        /**
         * Someone removed this file (`rm task_locks/*.lock`): every claim in it is lost, and their grinds are to be
         * stopped without recording anything, as the README says. Their lines go on in a new file until each
         * grind has stopped and its finish has come back, so that no one claims a task whose grind still runs here
         * (a log truncated a moment later would otherwise make it pending at once, and it ran twice).
         */
        synchronized void revokeAll() {
            revoked.addAll(held.keySet());
            if (channel != null) {
                OWN.remove(path, this);
                closeQuietly(channel);
                channel = null;
                fileKey = null;
                path = null;
            }
        }

        synchronized void update(String taskId, Claim claim) {
            Held h = held.get(taskId);
            if (h != null) {
                h.claim = claim;
                h.line = null;
            }
        }

        /**
         * Still ours: the file we locked is still at its name. False after {@code rm task_locks/*.lock} or a clear,
         * and then nothing held here is ours any more.
         */
        synchronized boolean intact() {
            if (channel == null) {
                return true;
            }
            BasicFileAttributes entry = SafeFiles.entryOrNull(path);
            return entry != null && Objects.equals(entry.fileKey(), fileKey);
        }

        /** Forgets every lease and the file they were in (already removed by someone else, or about to be). */
        synchronized List<String> dropAll() {
            List<String> ids = List.copyOf(held.keySet());
            held.clear();
            revoked.clear();
            if (channel != null) {
                OWN.remove(path, this);
                closeQuietly(channel);
                channel = null;
                fileKey = null;
                path = null;
            }
            return ids;
        }

        /** Writes every line (made, if need be, as a file that is locked from its first moment). */
        synchronized void write() {
            if (held.isEmpty() && channel == null) {
                return;
            }
            try {
                if (channel == null) {
                    create();
                }
                ByteBuffer[] lines = new ByteBuffer[held.size()];
                long length = 0;
                int i = 0;
                for (Held h : held.values()) {
                    lines[i] = ByteBuffer.wrap(h.line());
                    length += lines[i++].remaining();
                }
                channel.position(0);
                long written = 0;
                while (written < length) {
                    written += channel.write(lines);
                }
                channel.truncate(length);
            } catch (IOException e) {
                throw new StoreException("cannot write lease file " + path + ": " + e.getMessage(), e);
            }
        }

        /** Removes the file when nothing is held, so that an idle process leaves nothing in {@code task_locks/}. */
        synchronized void removeIfEmpty() {
            if (!held.isEmpty() || channel == null) {
                return;
            }
            try {
                if (intact()) {
                    SafeFiles.unlinkIfSame(dir, path.getFileName(), fileKey);
                }
            } catch (IOException e) {
                throw new StoreException("cannot remove lease file " + path + ": " + e.getMessage(), e);
            } finally {
                dropAll();
            }
        }

        synchronized List<Line> lines() {
            List<Line> lines = new ArrayList<>();
            held.values().forEach(h -> lines.add(Line.of(h.claim, h.fence)));
            return lines;
        }

        /** The file is born locked: a locked temp file is hard-linked to the name, so no one sees it lock-free. */
        private void create() throws IOException {
            SafeFiles.createDirectory(dir);
            Path target = dir.resolve(name);
            Path temp = TempFiles.beside(target);
            FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            try {
                ch.lock();
                Object key = Files.readAttributes(temp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
                FILE_ACCESS.writeLock().lock();
                try {
                    OWN.put(target, this);
                    try {
                        Files.createLink(target, temp);
                    } catch (IOException e) {
                        OWN.remove(target, this);
                        throw e instanceof FileAlreadyExistsException
                                ? new IOException(target + " exists already", e) : e;
                    }
                } finally {
                    FILE_ACCESS.writeLock().unlock();
                }
                this.path = target;
                this.channel = ch;
                this.fileKey = key;
            } catch (IOException e) {
                closeQuietly(ch);
                throw e;
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Every lease file in {@code task_locks/} but {@code own}'s, as found now. */
    static List<Found> scan(ClaimFiles files, Own own) {
        List<Found> found = new ArrayList<>();
        for (Path file : files.list()) {
            found.add(inspect(file, own));
        }
        return found;
    }

    static Found inspect(Path file, Own own) {
        FILE_ACCESS.readLock().lock();
        try {
            Own here = OWN.get(file);
            if (here != null) {
                Found.State state = here == own ? Found.State.OURS : Found.State.SAME_JVM;
                synchronized (here) {
                    return new Found(file, here.fileKey, state, null, here.lines());
                }
            }
            BasicFileAttributes entry = SafeFiles.entry(file);
            if (entry == null) {
                return new Found(file, null, Found.State.DEAD, null, List.of());
            }
            if (!entry.isRegularFile()) {
                // No lease is ever anything but a regular file: a link or a pipe here is no one's, and is never opened.
                return new Found(file, entry.fileKey(), Found.State.DEAD, entry.lastModifiedTime(), List.of());
            }
            if (entry.size() > SafeFiles.MAX_LEASE_BYTES) {
                return new Found(file, entry.fileKey(), Found.State.DEAD, entry.lastModifiedTime(), List.of());
            }
            try (FileChannel channel = SafeFiles.openRegular(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                List<Line> lines = parse(read(channel), file);
                FileLock probe = channel.tryLock();
                if (probe != null) {
                    probe.release();
                    return new Found(file, entry.fileKey(), Found.State.DEAD, entry.lastModifiedTime(), lines);
                }
                return new Found(file, entry.fileKey(), Found.State.ALIVE, entry.lastModifiedTime(), lines);
            }
        } catch (NoSuchFileException e) {
            return new Found(file, null, Found.State.DEAD, null, List.of());
        } catch (IOException e) {
            throw new StoreException("cannot inspect lease file " + file + ": " + e.getMessage(), e);
        } finally {
            FILE_ACCESS.readLock().unlock();
        }
    }

    /** Removes a lease file if it is still the one that was found; a newer file under the name survives. */
    static boolean deleteIfSame(Path file, Object fileKey) {
        if (fileKey == null) {
            return false;
        }
        try {
            return SafeFiles.unlinkIfSame(file.getParent(), file.getFileName(), fileKey);
        } catch (IOException e) {
            throw new StoreException("cannot remove lease file " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] read(FileChannel channel) throws IOException {
        long size = Math.min(channel.size(), SafeFiles.MAX_LEASE_BYTES);
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // read to the size seen
        }
        return java.util.Arrays.copyOf(buffer.array(), buffer.position());
    }

    /** Every whole line that is a claim; a torn or hand-edited line is skipped, its task then held by no one here. */
    private static List<Line> parse(byte[] bytes, Path file) {
        List<Line> lines = new ArrayList<>();
        String text = new String(bytes, StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                Line parsed = WorkspaceJson.mapper().readValue(line, Line.class);
                if (parsed != null && parsed.taskId() != null) {
                    lines.add(parsed);
                }
            } catch (RuntimeException e) {
                // not a claim: the file's lock and mtime still tell whether its owner lives
            }
        }
        return lines;
    }

    private static String sanitize(String host) {
        String clean = host == null ? "" : host.replaceAll("[^A-Za-z0-9._-]", "_");
        if (clean.isEmpty() || !Character.isLetterOrDigit(clean.charAt(0))) {
            clean = "host" + clean;
        }
        return clean.length() > 60 ? clean.substring(0, 60) : clean;
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a channel we are discarding
        }
    }
}
