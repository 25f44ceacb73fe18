package io.vivarium.store.file;

import io.vivarium.store.StoreException;
import io.vivarium.store.WorkspaceJson;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.vivarium.task.Summary;
import io.vivarium.task.TaskRun;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JacksonSerializable;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.jsontype.TypeSerializer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites {@code queue.json} and {@code execution_log.json} from the state in memory, so that {@code cat} shows
 * the workspace: at most about a second behind while this process keeps writing, and exact once it has been quiet
 * for a moment or closes. The documents are written off the workspace lock (temp file, fsync); only the renames and
 * the journal's restart happen under it. A checkpoint that dies half-way leaves the old files, or new files and a
 * journal whose records they already hold: either way every process reads the same state. It talks to the
 * {@link JournalledState} alone, which freezes the state under the lock and installs the documents.
 */
final class Checkpoints {

    private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);
    /** How long the journal must be still before the files catch up at once. */
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(150);
    /** How far behind the files may fall while writes keep coming. */
    private static final long MAX_BEHIND_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long TICK_MILLIS = 50;
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** What one checkpoint writes: the queue only when its definitions changed since the last one. */
    record Frozen(long seq, QueueDocument queue, FrozenLog log) {
    }

    /** The log's entries at one moment, in the log's order, and its other fields. */
    record FrozenLog(String version, String[] ids, TaskRun[] runs, Summary summary, Map<String, Object> extra) {
    }

    /**
     * The log as written: the same fields in the same order as {@link ExecutionLog}, the entries streamed from the
     * frozen arrays one by one ({@link Entries}). No map of 100,000 entries and no text of one is built: an earlier
     * version kept every entry's JSON text between checkpoints (tens of MB for the life of the process, and a copy
     * in every young collection), which cost more memory than encoding the entries again saves time.
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    // A rate's starts go before the entries: the summary and the ledger stay at the end, where status reads them.
    @JsonPropertyOrder({"version", "revision", QueueStarts.FIELD, "tasks", "swarm_summary"})
    record LogText(String version, Long revision, Object queueStarts, Entries tasks, Summary swarmSummary,
                   @JsonAnyGetter Map<String, Object> extra) {
    }

    /** The log's {@code tasks} object, written entry by entry straight to the document's generator. */
    static final class Entries extends JacksonSerializable.Base {
        private final String[] ids;
        private final TaskRun[] runs;

        Entries(String[] ids, TaskRun[] runs) {
            this.ids = ids;
            this.runs = runs;
        }

        @Override
        public void serialize(JsonGenerator gen, SerializationContext ctxt) {
            ValueSerializer<Object> entry = ctxt.findValueSerializer(TaskRun.class);
            gen.writeStartObject(this, ids.length);
            for (int i = 0; i < ids.length; i++) {
                gen.writeName(ids[i]);
                entry.serialize(runs[i], gen, ctxt);
            }
            gen.writeEndObject();
        }

        @Override
        public void serializeWithType(JsonGenerator gen, SerializationContext ctxt, TypeSerializer typeSer) {
            serialize(gen, ctxt);
        }
    }

    private final JournalledState state;
    private volatile boolean wroteHere;
    private volatile long lastWrite;
    private volatile long lastCheckpoint = System.nanoTime();
    private volatile boolean dirty;
    /** Guards starting and ending the thread; never held while waiting for the workspace lock. */
    private final Object lifecycle = new Object();
    private Thread thread;
    private volatile boolean stopped;

    Checkpoints(JournalledState state) {
        this.state = state;
    }

    /** Called under the workspace lock after this store appended to the journal. */
    void wrote() {
        wroteHere = true;
        dirty = true;
        lastWrite = System.nanoTime();
        startIfIdle();
    }

    /** One thread per store while it writes; it ends after a quiet spell, so idle stores hold no thread. */
    private void startIfIdle() {
        synchronized (lifecycle) {
            if (thread == null && !stopped) {
                thread = new Thread(this::run, "vivarium-checkpoint");
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    private boolean endIfQuiet() {
        synchronized (lifecycle) {
            if (dirty && !stopped) {
                return false;
            }
            thread = null;
            return true;
        }
    }

    boolean wroteHere() {
        return wroteHere;
    }

    void stop() {
        Thread t;
        synchronized (lifecycle) {
            stopped = true;
            t = thread;
        }
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
            if (now - lastWrite > IDLE_NANOS && endIfQuiet()) {
                return;
            }
            if (dirty && (now - lastWrite >= QUIET_NANOS || now - lastCheckpoint >= MAX_BEHIND_NANOS)) {
                try {
                    checkpointNow();
                } catch (RuntimeException e) {
                    // The journal holds every change; the files simply stay behind until the next try. A checkpoint
                    // cut short by close() is finished by close() itself.
                    if (!stopped) {
                        log.warn("checkpoint of {} failed: {}", state.paths().root(), e.getMessage());
                    }
                    lastCheckpoint = System.nanoTime();
                }
            }
        }
    }

    /** Writes the documents if the journal holds anything they do not; one at a time per store. */
    synchronized void checkpointNow() {
        dirty = false;
        lastCheckpoint = System.nanoTime();
        Frozen frozen = state.lock().callExclusive(state::freeze);
        if (frozen == null) {
            return;
        }
        Path queueTemp = null;
        Path logTemp = null;
        try {
            if (frozen.queue() != null) {
                queueTemp = writeDocument(state.paths().queue(), frozen.queue().withRevision(frozen.seq()));
            }
            logTemp = writeDocument(state.paths().log(), textOf(frozen.log(), frozen.seq()));
            Path q = queueTemp;
            Path l = logTemp;
            boolean installed = state.lock().callExclusive(() -> {
                try {
                    return state.install(frozen, q, l);
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
            AtomicFile.deleteQuietly(queueTemp);
            AtomicFile.deleteQuietly(logTemp);
        }
    }

    /** The log as a checkpoint writes it. */
    static LogText textOf(FrozenLog log, long seq) {
        Map<String, Object> rest = new java.util.LinkedHashMap<>(log.extra());
        Object starts = rest.remove(QueueStarts.FIELD);
        return new LogText(log.version(), seq, starts, new Entries(log.ids(), log.runs()), log.summary(), rest);
    }

    /** Streams the document to a fresh temp file beside its target and makes it durable. */
    static Path writeDocument(Path target, Object document) throws IOException {
        Path temp = TempFiles.beside(target);
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
            AtomicFile.deleteQuietly(temp);
            throw e;
        } catch (tools.jackson.core.JacksonException e) {
            AtomicFile.deleteQuietly(temp);
            throw new IOException(io.vivarium.util.Causes.root(e).getMessage(), e);
        }
    }
}
