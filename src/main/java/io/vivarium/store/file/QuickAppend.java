package io.vivarium.store.file;

import io.vivarium.store.WorkspaceJson;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * {@code add} on a workspace whose files hold everything (no journal line past the checkpoint), without reading
 * the queue into memory: the queue file is scanned for its ids only, and the two documents are rewritten by
 * inserting the new tasks and the new summary into their bytes. A 100,000-task queue is scanned, not parsed; of the
 * log only its head (the revision) and its end (the summary) are read, the rest copied file to file by the kernel.
 * Anything unusual (no revision at a file's head, a summary not where a checkpoint writes it) leaves it to the
 * ordinary path, which reads everything.
 */
final class QuickAppend {

    private static final Pattern REVISION = Pattern.compile("\"revision\"\\s*:\\s*(\\d+)");
    private static final int HEAD = 256;
    private static final int TAIL = 1024;

    /** Where the new tasks go in the queue file, and its ids. */
    record QueueScan(Set<String> ids, long insertAt, boolean emptyArray, long arrayStart, long arrayEnd) {
    }

    /** The queue's bytes with the tasks appended, and the log as pieces: its own bytes between new ones. */
    record Rewrite(byte[] queue, LogRewrite log) {
    }

    /** The log with a new revision and summary: {@code [0, revision[0])}, seq, …, summary, the rest. */
    record LogRewrite(FileChannel source, long size, long[] revision, long[] summary, byte[] seq, byte[] pretty)
            implements AtomicFile.Content {

        @Override
        public void writeTo(FileChannel out) throws IOException {
            copy(0, revision[0], out);
            ChunkedIo.write(out, -1, seq);
            copy(revision[1], summary[0], out);
            ChunkedIo.write(out, -1, pretty);
            copy(summary[1], size, out);
        }

        private void copy(long from, long to, FileChannel out) throws IOException {
            long at = from;
            while (at < to) {
                long n = source.transferTo(at, to - at, out);
                if (n <= 0) {
                    throw new IOException("execution_log.json ended before its " + to + " bytes");
                }
                at += n;
            }
        }
    }

    /** What of the log the plan reads: its size, its first bytes and its last, from a channel kept open. */
    record LogEnds(FileChannel channel, long size, byte[] head, byte[] tail) {

        static LogEnds read(FileChannel channel) throws IOException {
            long size = channel.size();
            byte[] head = new byte[(int) Math.min(HEAD, size)];
            ChunkedIo.read(channel, 0, head, 0, head.length);
            byte[] tail = new byte[(int) Math.min(TAIL, size)];
            ChunkedIo.read(channel, size - tail.length, tail, 0, tail.length);
            return new LogEnds(channel, size, head, tail);
        }

        long tailStart() {
            return size - tail.length;
        }
    }

    private QuickAppend() {
    }

    /** Both documents as read, where the new tasks and summary go in them, and the summary they hold. */
    record Plan(byte[] queue, LogEnds log, QueueScan scan, int[] queueRevision, int[] logRevision, long[] summary,
                Summary before) {
    }

    /**
     * Scans the documents and checks the new tasks against the queue's ids (a duplicate or an unknown dependency
     * throws); empty when the documents are not laid out as a checkpoint writes them.
     */
    static Optional<Plan> plan(byte[] queue, LogEnds log, List<Task> added) {
        Optional<int[]> summarySpan = summarySpan(log.tail());
        Optional<int[]> queueRevision = revisionSpan(queue);
        Optional<int[]> logRevision = revisionSpan(log.head());
        if (summarySpan.isEmpty() || queueRevision.isEmpty() || logRevision.isEmpty()) {
            return Optional.empty();
        }
        Optional<QueueScan> scan = QueueScanner.scan(queue);
        if (scan.isEmpty()) {
            return Optional.empty();
        }
        NewTasks.check(scan.get().ids(), added);
        int[] span = summarySpan.get();
        Summary before = WorkspaceJson.mapper().readValue(log.tail(), span[0], span[1] - span[0], Summary.class);
        long[] summary = {log.tailStart() + span[0], log.tailStart() + span[1]};
        return Optional.of(new Plan(queue, log, scan.get(), queueRevision.get(), logRevision.get(), summary, before));
    }

    /** The documents with {@code added} appended at revision {@code seq}. */
    static Rewrite rewrite(Plan plan, List<Task> added, long seq, Summary after) {
        return new Rewrite(appendTasks(plan.queue(), plan.scan(), plan.queueRevision(), added, seq),
                replaceSummary(plan.log(), plan.summary(), plan.logRevision(), after, seq));
    }

    /** The same pass with a streaming JSON parser: what {@link QueueScanner} must agree with (its test's oracle). */
    static Optional<QueueScan> scan(byte[] queue) {
        Set<String> ids = new HashSet<>();
        try (JsonParser p = new JsonFactory().createParser(ObjectReadContext.empty(), queue)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            QueueScan found = null;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!"tasks".equals(name) || value != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                long arrayStart = p.currentTokenLocation().getByteOffset();
                long lastTaskEnd = -1;
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String field = p.currentName();
                        p.nextToken();
                        if ("id".equals(field)) {
                            ids.add(p.getString());
                        } else {
                            p.skipChildren();
                        }
                    }
                    lastTaskEnd = p.currentTokenLocation().getByteOffset() + 1;
                }
                if (p.currentToken() != JsonToken.END_ARRAY) {
                    return Optional.empty();
                }
                long arrayEnd = p.currentTokenLocation().getByteOffset();
                found = new QueueScan(ids, lastTaskEnd, lastTaskEnd < 0, arrayStart, arrayEnd);
            }
            return Optional.ofNullable(found);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static byte[] appendTasks(byte[] queue, QueueScan scan, int[] revision, List<Task> added, long seq) {
        StringBuilder tasks = new StringBuilder();
        for (Task task : added) {
            if (!tasks.isEmpty()) {
                tasks.append(",\n");
            }
            String json = new String(WorkspaceJson.mapper().writeValueAsBytes(task), StandardCharsets.UTF_8);
            tasks.append("    ").append(json.replace("\n", "\n    "));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(queue.length + tasks.length() * 2 + 16);
        out.write(queue, 0, revision[0]);
        out.writeBytes(Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
        if (scan.emptyArray()) {
            out.write(queue, revision[1], (int) scan.arrayStart() - revision[1]);
            out.writeBytes(("[\n" + tasks + "\n  ]").getBytes(StandardCharsets.UTF_8));
            out.write(queue, (int) scan.arrayEnd() + 1, queue.length - (int) scan.arrayEnd() - 1);
        } else {
            out.write(queue, revision[1], (int) scan.insertAt() - revision[1]);
            out.writeBytes((",\n" + tasks).getBytes(StandardCharsets.UTF_8));
            out.write(queue, (int) scan.insertAt(), queue.length - (int) scan.insertAt());
        }
        return out.toByteArray();
    }

    private static LogRewrite replaceSummary(LogEnds log, long[] summary, int[] revision, Summary after, long seq) {
        String pretty = new String(WorkspaceJson.mapper().writeValueAsBytes(after), StandardCharsets.UTF_8)
                .replace("\n", "\n  ");
        return new LogRewrite(log.channel(), log.size(), new long[] {revision[0], revision[1]}, summary,
                Long.toString(seq).getBytes(StandardCharsets.US_ASCII), pretty.getBytes(StandardCharsets.UTF_8));
    }

    /** The span of the {@code revision} number at the head: {start, end}. */
    private static Optional<int[]> revisionSpan(byte[] document) {
        String head = new String(document, 0, Math.min(HEAD, document.length), StandardCharsets.ISO_8859_1);
        Matcher m = REVISION.matcher(head);
        return m.find() ? Optional.of(new int[] {m.start(1), m.end(1)}) : Optional.empty();
    }

    /**
     * The span of the {@code swarm_summary} object, a flat object a checkpoint writes last, within the log's last
     * bytes: {start, end}.
     */
    private static Optional<int[]> summarySpan(byte[] logTail) {
        String tail = new String(logTail, StandardCharsets.ISO_8859_1);
        int key = tail.lastIndexOf("\"swarm_summary\"");
        int open = key < 0 ? -1 : tail.indexOf('{', key);
        int close = open < 0 ? -1 : tail.indexOf('}', open);
        if (close < 0 || !tail.substring(key + "\"swarm_summary\"".length(), open).strip().equals(":")) {
            return Optional.empty();
        }
        return Optional.of(new int[] {open, close + 1});
    }
}
