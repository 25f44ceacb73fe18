package io.vivarium.store.file;

import io.vivarium.store.StoreException;
import io.vivarium.store.WorkspaceJson;
import io.vivarium.task.FlowSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;

/**
 * {@code task_locks/.journal}: every committed change since the last checkpoint, one JSON line each, after a header
 * line naming that checkpoint. A commit appends its line and fsyncs it under the workspace lock, and readers read
 * only under that lock, so no one ever sees a change that is not yet durable. A line without its newline is the
 * torn end of a writer that died mid-append: it was never acknowledged, readers skip it and the next writer cuts it
 * off. A checkpoint replaces the journal by a short one (temp file, fsync, rename) that keeps the records the new
 * checkpoint does not hold.
 *
 * <p>One instance per store; every method but {@link #identity()} is called under the workspace lock.
 */
final class Journal {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Journal.class);

    /** How many records a checkpoint already holds stay in the restarted journal. */
    static final int KEPT_BEHIND = 64;
    static final long KEPT_BEHIND_BYTES = 64 * 1024;

    private final Path path;
    private FileChannel channel;
    private Object fileKey;
    /** End of the last complete line read or written. */
    private long position;
    private JournalHeader header;
    private long headerEnd;
    /** Each record's seq and the offset just past its line, for the records the current file holds. */
    private final List<long[]> ends = new ArrayList<>();
    /** The last record the current file holds, read or written here; null when it holds none. */
    private JournalRecord last;
    /**
     * The newest flow settings a record read or written since the header set (null: none did): what a reader that
     * has not loaded the queue answers, because {@link #read()} hands each record over only once.
     */
    private FlowSettings lastFlow;

    Journal(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /** What was read: the header (null when there is no journal yet), and the records not seen before. */
    record Tail(JournalHeader header, List<JournalRecord> records, boolean restarted) {
    }

    /** Reads what other writers appended since the last call; from the start when the file was replaced. */
    Tail read() {
        return uninterrupted(this::readNow);
    }

    private Tail readNow() {
        try {
            BasicFileAttributes entry = SafeFiles.entry(path);
            if (entry == null) {
                boolean restarted = channel != null || header != null;
                reset();
                return new Tail(null, List.of(), restarted);
            }
            SafeFiles.requireRegular(path, entry, SafeFiles.MAX_DOCUMENT_BYTES);
            boolean restarted = false;
            if (channel == null || !Objects.equals(entry.fileKey(), fileKey)) {
                reset();
                channel = open();
                fileKey = entry.fileKey();
                restarted = true;
            }
            long size = channel.size();
            if (size < position) {
                reset();
                channel = open();
                fileKey = entry.fileKey();
                restarted = true;
                size = channel.size();
            }
            List<JournalRecord> records = new ArrayList<>();
            if (size > position) {
                try {
                    readLines(size, records);
                } catch (Unreadable e) {
                    moveAside(e);
                    return new Tail(null, List.of(), true);
                }
            }
            return new Tail(header, records, restarted);
        } catch (IOException e) {
            throw new StoreException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The journal is Vivarium's own: one that cannot be read (edited by hand, written by a newer version, numbers that
     * run backwards) never stops a command. It is moved aside, kept for whoever wants to look, and the workspace is
     * read from its documents; a store that holds the state in memory writes it back at once.
     */
    private void moveAside(Unreadable why) throws IOException {
        reset();
        Path aside = CorruptCopies.moveAside(path, java.time.Instant.now());
        log.warn("{} could not be read ({}); moved it to {} and read the workspace from its files", path,
                why.getMessage(), aside.getFileName());
    }

    /** For appending; read-only where the workspace is (then nothing can be appended, and the append says why). */
    private FileChannel open() throws IOException {
        try {
            writable = true;
            return SafeFiles.openRegular(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (java.nio.file.FileSystemException e) {
            if (e instanceof java.nio.file.NoSuchFileException) {
                throw e;
            }
            writable = false;
            return SafeFiles.openRegular(path, StandardOpenOption.READ);
        }
    }

    private boolean writable;

    JournalHeader header() {
        return header;
    }

    /** The last record's seq in this file, or the header's base. */
    long lastSeq() {
        return ends.isEmpty() ? (header == null ? -1 : header.base()) : ends.get(ends.size() - 1)[0];
    }

    /** The last record in the file (after {@link #read()}), or null when it holds none. */
    JournalRecord last() {
        return last;
    }

    /** See {@link #lastFlow}; a checkpoint that restarts the journal keeps it (the documents it wrote hold it). */
    FlowSettings lastFlow() {
        return lastFlow;
    }

    /** How many records the file holds past its checkpoint. */
    int records() {
        return ends.size();
    }

    /**
     * Appends one record and makes it durable. Creates the journal with {@code newHeader} when there is none (a
     * journal begins where the files end). Call {@link #read()} first: the record must follow the last one.
     */
    void append(JournalRecord record, JournalHeader newHeader) {
        uninterrupted(() -> {
            appendNow(record, newHeader);
            return null;
        });
    }

    /**
     * Runs {@code io} on the journal's channel with this thread's interrupt put aside: an interrupted thread (a worker
     * whose grind was just stopped) would otherwise close the channel in the middle of a read or an append
     * ({@link java.nio.channels.ClosedByInterruptException}) and leave the journal unusable for the whole process.
     * A channel closed that way before is opened again.
     */
    private <T> T uninterrupted(Supplier<T> io) {
        boolean interrupted = Thread.interrupted();
        try {
            if (channel != null && !channel.isOpen()) {
                reset();
            }
            return io.get();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void appendNow(JournalRecord record, JournalHeader newHeader) {
        byte[] line = line(record);
        try {
            if (channel == null) {
                create(newHeader);
            }
            if (!writable) {
                // Says why in the filesystem's own words (read-only, permission denied).
                FileChannel.open(path, StandardOpenOption.WRITE).close();
                throw new IOException("opened for reading only");
            }
            if (channel.size() > position) {
                channel.truncate(position);
            }
            writeAt(channel, position, line);
            channel.force(false);
            position += line.length;
            ends.add(new long[] {record.seq(), position});
            last = record;
            lastFlow = record.flow() != null ? record.flow() : lastFlow;
        } catch (IOException e) {
            try {
                if (channel != null && writable) {
                    channel.truncate(position);
                }
            } catch (IOException | RuntimeException ignored) {
                // the torn end is cut off by the next writer
            }
            throw new StoreException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the journal by one that starts at {@code header.base()} and keeps every later record. */
    void restartAt(JournalHeader next) {
        try {
            // The last few records the checkpoint holds stay too: a process a few records behind (between two of its
            // polls) catches up from them instead of reading the whole files again.
            long from = headerEnd;
            int held = 0;
            for (long[] end : ends) {
                if (end[0] <= next.base()) {
                    held++;
                }
            }
            int skip = Math.max(0, held - KEPT_BEHIND);
            // And no more than KEPT_BEHIND_BYTES of them but the last: a pool's commit of a whole batch is one long
            // line, and every reader that opens the workspace (status, add) parses what is kept.
            long heldEnd = held == 0 ? headerEnd : ends.get(held - 1)[1];
            while (skip < held - 1 && heldEnd - (skip == 0 ? headerEnd : ends.get(skip - 1)[1]) > KEPT_BEHIND_BYTES) {
                skip++;
            }
            for (int i = 0; i < skip; i++) {
                from = ends.get(i)[1];
            }
            byte[] head = line(next);
            int keptLength = channel != null && position > from ? (int) (position - from) : 0;
            byte[] content = Arrays.copyOf(head, head.length + keptLength);
            if (keptLength > 0) {
                // the records the checkpoint does not hold, and the few it does that stay
                ChunkedIo.read(channel, from, content, head.length, keptLength);
            }
            List<long[]> keptEnds = new ArrayList<>();
            for (long[] end : ends) {
                if (end[1] > from) {
                    keptEnds.add(new long[] {end[0], end[1] - from + head.length});
                }
            }
            JournalRecord keptLast = keptEnds.isEmpty() ? null : last;
            FlowSettings keptFlow = lastFlow;
            AtomicFile.replace(path, content);
            // This process wrote every line of the new file and has read them all: it follows it from its end
            // without parsing the kept records again (thousands, at 100,000 tasks, once a second).
            reset();
            BasicFileAttributes entry = SafeFiles.entry(path);
            if (entry == null) {
                return; // removed at once by someone else: the next read finds out
            }
            channel = open();
            fileKey = entry.fileKey();
            header = next;
            headerEnd = head.length;
            ends.addAll(keptEnds);
            last = keptLast;
            lastFlow = keptFlow;
            position = content.length;
        } catch (IOException e) {
            throw new StoreException("cannot rewrite " + path + ": " + e.getMessage(), e);
        }
    }

    /** The last committed seq and the files the journal's checkpoint wrote, as seen from outside the lock. */
    record Peek(long lastSeq, String queue, String log) {
    }

    /**
     * Cheap enough to poll every few milliseconds: the header and the last complete line, two short reads. Null when
     * there is no journal. A torn or half-replaced file reads as whatever its complete lines say.
     */
    Peek peek() {
        try (FileChannel in = SafeFiles.openRegular(path, StandardOpenOption.READ)) {
            long size = in.size();
            byte[] head = readAt(in, 0, (int) Math.min(size, 4096));
            int headerEnd = indexOf(head, 0);
            if (headerEnd < 0) {
                return null;
            }
            JournalHeader h = WorkspaceJson.mapper().readValue(head, 0, headerEnd, JournalHeader.class);
            long last = h.base();
            // The last complete line ends with its seq: `…,"seq":N}` and a newline. A torn tail (a writer that died
            // mid-append) is skipped back over.
            long end = size;
            while (end > headerEnd + 1) {
                byte[] tail = readAt(in, Math.max(0, end - 128), (int) Math.min(end, 128));
                int newline = lastIndexOf(tail, tail.length - 1);
                if (newline < 0) {
                    end -= tail.length;
                    continue;
                }
                if (newline == tail.length - 1) {
                    last = Math.max(last, seqAtEnd(tail, newline));
                    break;
                }
                end = end - tail.length + newline + 1;
            }
            return new Peek(last, h.queue(), h.log());
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            return new Peek(Long.MIN_VALUE, null, null);
        }
    }

    /** The number in {@code "seq":N}} just before the newline at {@code newline}, or the lowest long. */
    private static long seqAtEnd(byte[] tail, int newline) {
        int close = newline - 1;
        int digitsEnd = close;
        int at = digitsEnd - 1;
        while (at >= 0 && tail[at] >= '0' && tail[at] <= '9') {
            at--;
        }
        String key = "\"seq\":";
        int keyStart = at - key.length() + 1;
        if (close < 0 || tail[close] != '}' || at == digitsEnd - 1 || keyStart < 0
                || !new String(tail, keyStart, key.length(), java.nio.charset.StandardCharsets.US_ASCII).equals(key)) {
            return Long.MIN_VALUE;
        }
        return Long.parseLong(new String(tail, at + 1, digitsEnd - at - 1, java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static byte[] readAt(FileChannel in, long at, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && in.read(buffer, at + buffer.position()) > 0) {
            // read what is there
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] bytes, int from) {
        for (int i = from; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    void close() {
        reset();
    }

    private void create(JournalHeader newHeader) throws IOException {
        Path temp = TempFiles.beside(path);
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            writeAt(out, 0, line(newHeader));
            out.force(true);
        }
        try {
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        AtomicFile.syncDirectory(path.getParent());
        reset();
        read();
        if (channel == null) {
            throw new IOException("the journal vanished as it was created");
        }
    }

    private void readLines(long size, List<JournalRecord> into) throws IOException {
        int length = (int) (size - position);
        byte[] bytes = new byte[length];
        int read = ChunkedIo.read(channel, position, bytes, 0, length);
        int start = 0;
        for (int i = 0; i < read; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            long lineEnd = position + i + 1;
            if (i > start) {
                parseLine(bytes, start, i - start, into, lineEnd);
            }
            start = i + 1;
        }
        position += start;
    }

    private void parseLine(byte[] bytes, int offset, int length, List<JournalRecord> into, long lineEnd) {
        try {
            if (header == null && ends.isEmpty()) {
                header = WorkspaceJson.mapper().readValue(bytes, offset, length, JournalHeader.class);
                if (header.journal() != JournalHeader.FORMAT) {
                    throw new Unreadable("journal format " + header.journal() + " is not one this version reads");
                }
                headerEnd = lineEnd;
                return;
            }
            JournalRecord record = WorkspaceJson.mapper().readValue(bytes, offset, length, JournalRecord.class);
            long previous = ends.isEmpty() ? Long.MIN_VALUE : ends.get(ends.size() - 1)[0];
            if (record.seq() <= previous) {
                throw new Unreadable("record " + record.seq() + " follows record " + previous);
            }
            into.add(record);
            ends.add(new long[] {record.seq(), lineEnd});
            last = record;
            lastFlow = record.flow() != null ? record.flow() : lastFlow;
        } catch (JacksonException e) {
            throw new Unreadable(WorkspaceJson.describe(e));
        }
    }

    /** A line that is not what this version writes there. */
    private static final class Unreadable extends RuntimeException {
        Unreadable(String detail) {
            super(detail, null, false, false);
        }
    }

    private void reset() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // a read-only view being dropped
            }
        }
        channel = null;
        fileKey = null;
        position = 0;
        headerEnd = 0;
        header = null;
        ends.clear();
        last = null;
        lastFlow = null;
    }

    private static byte[] line(Object value) {
        byte[] json = WorkspaceJson.compact(value);
        byte[] line = Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }

    private static void writeAt(FileChannel channel, long at, byte[] bytes) throws IOException {
        ChunkedIo.write(channel, at, bytes);
    }
}
