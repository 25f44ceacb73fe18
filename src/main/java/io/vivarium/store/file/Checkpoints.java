package io.vivarium.store.file;

import io.vivarium.store.StoreException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites {@code queue.json} and {@code execution_log.json} from the state in memory, so that {@code cat} shows
 * the workspace: at most about a second behind while this process keeps writing, and exact once it has been quiet
 * for a moment or closes. The documents are written off the workspace lock (temp file, fsync); only the renames and
 * the journal's restart happen under it. A checkpoint that dies half-way leaves the old files, or new files and a
 * journal whose records they already hold: either way every process reads the same state.
 */
final class Checkpoints {

    private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);
    /** How long the journal must be still before the files catch up at once. */
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(150);
    /** How far behind the files may fall while writes keep coming. */
    private static final long MAX_BEHIND_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long TICK_MILLIS = 50;

    /** What one checkpoint writes: the queue only when its definitions changed since the last one. */
    record Frozen(long seq, QueueDocument queue, ExecutionLog log) {
    }

    private final FileTaskStore store;
    private volatile boolean wroteHere;
    private volatile long lastWrite;
    private volatile long lastCheckpoint = System.nanoTime();
    private volatile boolean dirty;
    private Thread thread;
    private volatile boolean stopped;

    Checkpoints(FileTaskStore store) {
        this.store = store;
    }

    /** Called under the workspace lock after this store appended to the journal. */
    void wrote() {
        wroteHere = true;
        dirty = true;
        lastWrite = System.nanoTime();
        if (thread == null && !stopped) {
            thread = new Thread(this::run, "vivarium-checkpoint");
            thread.setDaemon(true);
            thread.start();
        }
    }

    boolean wroteHere() {
        return wroteHere;
    }

    void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (!stopped) {
            try {
                TimeUnit.MILLISECONDS.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            if (dirty && (now - lastWrite >= QUIET_NANOS || now - lastCheckpoint >= MAX_BEHIND_NANOS)) {
                try {
                    checkpointNow();
                } catch (RuntimeException e) {
                    // The journal holds every change; the files simply stay behind until the next try.
                    log.warn("checkpoint of {} failed: {}", store.paths().root(), e.getMessage());
                    lastCheckpoint = System.nanoTime();
                }
            }
        }
    }

    /** Writes the documents if the journal holds anything they do not. */
    void checkpointNow() {
        dirty = false;
        lastCheckpoint = System.nanoTime();
        Frozen frozen = store.lock().callExclusive(store::freeze);
        if (frozen == null) {
            return;
        }
        Path queueTemp = null;
        Path logTemp = null;
        try {
            if (frozen.queue() != null) {
                queueTemp = write(store.paths().queue(), frozen.queue().withRevision(frozen.seq()));
            }
            logTemp = write(store.paths().log(), frozen.log().withRevision(frozen.seq()));
            Path q = queueTemp;
            Path l = logTemp;
            boolean installed = store.lock().callExclusive(() -> {
                try {
                    return store.install(frozen, q, l);
                } catch (IOException e) {
                    throw new StoreException("cannot install checkpoint: " + e.getMessage(), e);
                }
            });
            if (installed) {
                queueTemp = null;
                logTemp = null;
            }
        } catch (IOException e) {
            throw new StoreException("cannot write checkpoint: " + e.getMessage(), e);
        } finally {
            deleteQuietly(queueTemp);
            deleteQuietly(logTemp);
        }
    }

    /** Streams the document to a fresh temp file beside its target and makes it durable. */
    private static Path write(Path target, Object document) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            try (OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                WorkspaceJson.mapper().writer()
                        .without(tools.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET)
                        .writeValue(out, document);
                out.write('\n');
                out.flush();
                channel.force(true);
            }
            return temp;
        } catch (IOException e) {
            deleteQuietly(temp);
            throw e;
        } catch (tools.jackson.core.JacksonException e) {
            deleteQuietly(temp);
            throw new IOException(io.vivarium.util.Causes.root(e).getMessage(), e);
        }
    }

    private static void deleteQuietly(Path temp) {
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a hidden temp file never matches a workspace file's name
            }
        }
    }
}
