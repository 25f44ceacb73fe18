package io.vivarium.grind;

import io.vivarium.task.TaskId;
import io.vivarium.task.TaskStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A grind's output as it is written: {@code task_logs/ID.log} in the workspace the grind runs in, so
 * {@code logs -f} and {@code GET /tasks/{id}/logs} can show it while the grind runs (the record keeps only the
 * last 64 KiB, and only once the grind ends). Bounded: past {@link #DEFAULT_FILE_LIMIT} the file moves to
 * {@code ID.log.1} (replacing the one before) and a new one starts, so a task keeps at most twice that. Beside
 * {@code task_locks/}, not in it: the claims directory holds claims and the journal, and nothing else.
 *
 * <p>The log is a convenience, never a reason for a grind to fail: a directory that cannot be written, a link
 * where the file should be, a full disk, each only ends the live copy; the record's tail is kept either way.
 */
public final class TaskLogs {

    public static final long DEFAULT_FILE_LIMIT = 1024 * 1024;
    static final long FOLLOW_POLL_MILLIS = 40;
    private static final long FOLLOW_STATUS_MILLIS = 250;

    private final Path dir;
    private final long fileLimit;

    public TaskLogs(Path workspace) {
        this(workspace, DEFAULT_FILE_LIMIT);
    }

    public TaskLogs(Path workspace, long fileLimit) {
        this.dir = workspace.toAbsolutePath().normalize().resolve("task_logs");
        this.fileLimit = Math.max(1024, fileLimit);
    }

    /** The live log of this task: the current attempt's output. */
    public Path file(String taskId) {
        TaskId.requireValid("id", taskId);
        return dir.resolve(taskId + ".log");
    }

    private Path older(String taskId) {
        return dir.resolve(taskId + ".log.1");
    }

    /**
     * A new live log for an attempt that starts now: the last attempt's is removed first, so a follower sees a new
     * file. Null when {@code label} is not a task id or the file cannot be made.
     */
    Sink start(String label) {
        if (label == null || !label.matches(TaskId.REGEX)) {
            return null;
        }
        try {
            Files.createDirectories(dir);
            remove(label);
            return new Sink(label);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Forgets a task's logs (a pruned or cleared task). */
    public void remove(String taskId) throws IOException {
        Files.deleteIfExists(file(taskId));
        Files.deleteIfExists(older(taskId));
    }

    /**
     * The task's log as it stands, its older part first, at most {@code maxBytes} from the end; empty when there is
     * none.
     */
    public byte[] read(String taskId, int maxBytes) {
        byte[] older = readFile(older(taskId));
        byte[] current = readFile(file(taskId));
        byte[] all = Arrays.copyOf(older, older.length + current.length);
        System.arraycopy(current, 0, all, older.length, current.length);
        return all.length <= maxBytes ? all : Arrays.copyOfRange(all, all.length - maxBytes, all.length);
    }

    public boolean exists(String taskId) {
        return Files.isRegularFile(file(taskId), LinkOption.NOFOLLOW_LINKS);
    }

    /** A reader that picks up where it left off, across a new attempt's file and a rotation. */
    public Follower follow(String taskId) {
        return new Follower(file(taskId));
    }

    /** Where a follower's output goes; an exception (a client that went away) ends the following. */
    public interface Chunks {
        void accept(byte[] chunk) throws IOException;
    }

    /**
     * Passes on the task's output as it is written until its grind ends: a running task's until it is no longer in
     * progress, a pending task's until its next attempt ends, any other's what there is now. {@code status} is asked
     * a few times a second; the output is looked at every {@value #FOLLOW_POLL_MILLIS} ms, so a line shows well
     * within 200 ms of the grind writing it.
     */
    public void followUntilEnd(String taskId, TaskStatus initial, Supplier<TaskStatus> status, Chunks sink)
            throws IOException, InterruptedException {
        boolean started = initial == TaskStatus.IN_PROGRESS;
        boolean waiting = initial == TaskStatus.PENDING;
        try (Follower follower = follow(taskId)) {
            long nextStatus = System.nanoTime();
            while (true) {
                byte[] chunk = follower.poll();
                if (chunk.length > 0) {
                    sink.accept(chunk);
                    continue;
                }
                if (!started && !waiting) {
                    return;
                }
                long now = System.nanoTime();
                if (now - nextStatus >= 0) {
                    nextStatus = now + FOLLOW_STATUS_MILLIS * 1_000_000;
                    TaskStatus current = status.get();
                    if (current == TaskStatus.IN_PROGRESS) {
                        started = true;
                    } else if (started || current != TaskStatus.PENDING) {
                        // Ended: what it wrote before its result was recorded is read once more, then no more.
                        started = false;
                        waiting = false;
                        continue;
                    }
                }
                Thread.sleep(FOLLOW_POLL_MILLIS);
            }
        }
    }

    private static byte[] readFile(Path path) {
        try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = Math.min(in.size(), Integer.MAX_VALUE - 16);
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining() && in.read(buffer) > 0) {
                // until full or at the end
            }
            return Arrays.copyOf(buffer.array(), buffer.position());
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** Where a running grind's output goes as it comes; writes are unbuffered, so a reader sees each at once. */
    final class Sink implements AutoCloseable {
        private final String taskId;
        private OutputStream out;
        private long written;

        private Sink(String taskId) throws IOException {
            this.taskId = taskId;
            this.out = open();
        }

        private OutputStream open() throws IOException {
            return Files.newOutputStream(file(taskId), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        }

        synchronized void write(byte[] bytes, int length) {
            if (out == null) {
                return;
            }
            try {
                if (written + length > fileLimit) {
                    out.close();
                    Files.move(file(taskId), older(taskId), StandardCopyOption.REPLACE_EXISTING);
                    out = open();
                    written = 0;
                }
                out.write(bytes, 0, length);
                written += length;
            } catch (IOException e) {
                close();
            }
        }

        @Override
        public synchronized void close() {
            if (out == null) {
                return;
            }
            try {
                out.close();
            } catch (IOException e) {
                // nothing more will be written to it anyway
            }
            out = null;
        }
    }

    /**
     * Follows one task's live log. It keeps the file it reads open, so what was written just before a rotation or a
     * new attempt is still read before it moves on to the new file.
     */
    public static final class Follower implements AutoCloseable {
        private static final int MAX_READ = 256 * 1024;
        private final Path path;
        private FileChannel channel;
        private Object fileKey;

        Follower(Path path) {
            this.path = path;
        }

        /** Whatever was written since the last call; empty when nothing was. */
        public byte[] poll() {
            try {
                if (channel != null) {
                    byte[] rest = readMore();
                    if (rest.length > 0) {
                        return rest;
                    }
                    if (!Objects.equals(fileKey, currentKey())) {
                        channel.close();
                        channel = null;
                    }
                }
                if (channel == null) {
                    Object key = currentKey();
                    if (key == null) {
                        return new byte[0];
                    }
                    channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                    fileKey = key;
                }
                return readMore();
            } catch (IOException e) {
                close();
                return new byte[0];
            }
        }

        private byte[] readMore() throws IOException {
            long available = channel.size() - channel.position();
            if (available <= 0) {
                return new byte[0];
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(available, MAX_READ));
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // until full or at the end
            }
            return Arrays.copyOf(buffer.array(), buffer.position());
        }

        private Object currentKey() throws IOException {
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                // Without a file key (some platforms) a new file is seen by its creation time.
                return attributes.isRegularFile()
                        ? Objects.requireNonNullElse(attributes.fileKey(), attributes.creationTime()) : null;
            } catch (NoSuchFileException e) {
                return null;
            }
        }

        @Override
        public void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // a read-only channel has nothing to lose
                }
                channel = null;
            }
        }
    }
}
