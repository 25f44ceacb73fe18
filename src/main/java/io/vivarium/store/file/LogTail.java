package io.vivarium.store.file;

import io.vivarium.store.WorkspaceJson;
import io.vivarium.task.Summary;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The {@code swarm_summary} a checkpoint writes last in {@code execution_log.json}, read from the file's end: the
 * summary of a 100,000-task log without parsing the log. Only for files a checkpoint wrote (the journal names them).
 */
final class LogTail {

    private static final int TAIL_BYTES = 1024;
    private static final String KEY = "\"swarm_summary\"";

    private LogTail() {
    }

    /** The spend ledger a checkpoint writes after the summary, or empty when the log keeps none there. */
    static Optional<io.vivarium.spend.SpendLedger> spend(Path log) {
        try {
            String tail = tail(log, SPEND_TAIL_BYTES);
            int key = tail.lastIndexOf(KEY);
            int open = key < 0 ? -1 : tail.indexOf('{', key);
            int close = open < 0 ? -1 : tail.indexOf('}', open);
            int comma = close < 0 ? -1 : tail.indexOf(',', close);
            if (comma < 0) {
                return Optional.empty();
            }
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> fields = WorkspaceJson.mapper()
                    .readValue("{" + tail.substring(comma + 1), java.util.Map.class);
            return ExecutionLog.spendOf(fields);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static final int SPEND_TAIL_BYTES = 64 << 10;

    static Optional<Summary> summary(Path log) {
        try {
            String tail = tail(log, TAIL_BYTES);
            int key = tail.lastIndexOf(KEY);
            int open = key < 0 ? -1 : tail.indexOf('{', key);
            int close = open < 0 ? -1 : tail.indexOf('}', open);
            if (close < 0) {
                return Optional.empty();
            }
            return Optional.of(WorkspaceJson.mapper().readValue(tail.substring(open, close + 1), Summary.class));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The last {@code bytes} of the file as text (a multi-byte character cut at the start reads as one odd char). */
    private static String tail(Path file, int bytes) throws IOException {
        try (FileChannel in = SafeFiles.openRegular(file, StandardOpenOption.READ)) {
            long size = in.size();
            int length = (int) Math.min(size, bytes);
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining() && in.read(buffer, size - length + buffer.position()) > 0) {
                // read the end of the file
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        }
    }
}
