package io.vivarium.grind;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Drains a process's output, keeping only the last {@code limit} bytes so a chatty grind cannot fill memory. */
final class OutputTail {

    private final byte[] ring;
    private long total;

    OutputTail(int limit) {
        this.ring = new byte[Math.max(1, limit)];
    }

    void drain(InputStream in) {
        drain(in, null);
    }

    /** Drains, and hands each chunk to {@code live} (may be null) as it comes, before the grind ends. */
    void drain(InputStream in, TaskLogs.Sink live) {
        byte[] chunk = new byte[8192];
        try {
            int n;
            while ((n = in.read(chunk)) > 0) {
                append(chunk, n);
                if (live != null) {
                    live.write(chunk, n);
                }
            }
        } catch (IOException e) {
            // The process was killed and its pipe closed under us: what we have is the tail.
        } finally {
            if (live != null) {
                live.close();
            }
        }
    }

    private synchronized void append(byte[] chunk, int n) {
        for (int i = 0; i < n; i++) {
            ring[(int) (total++ % ring.length)] = chunk[i];
        }
    }

    synchronized String text() {
        int size = (int) Math.min(total, ring.length);
        byte[] out = new byte[size];
        long start = total - size;
        for (int i = 0; i < size; i++) {
            out[i] = ring[(int) ((start + i) % ring.length)];
        }
        String text = new String(out, StandardCharsets.UTF_8);
        return total > ring.length ? "[…" + (total - ring.length) + " earlier bytes dropped]\n" + text : text;
    }

    String lastLine() {
        String text = text().strip();
        int newline = text.lastIndexOf('\n');
        String line = newline < 0 ? text : text.substring(newline + 1);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
