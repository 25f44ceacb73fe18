package io.vivarium.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads and writes through a {@link FileChannel} in slices of at most {@link #SLICE} bytes. The JDK passes a heap
 * buffer to the kernel through a temporary direct buffer as large as what is left of it, and keeps that buffer for
 * the thread (its cache is unbounded unless {@code -Djdk.nio.maxCachedBufferSize} says otherwise): one read of a
 * 33 MB log would leave 33 MB of native memory behind in every thread that did it.
 */
final class ChunkedIo {

    static final int SLICE = 1 << 16;

    private ChunkedIo() {
    }

    /** Reads up to {@code length} bytes at {@code at} into {@code into}, stopping at the end of the file. */
    static int read(FileChannel in, long at, byte[] into, int offset, int length) throws IOException {
        int done = 0;
        while (done < length) {
            ByteBuffer slice = ByteBuffer.wrap(into, offset + done, Math.min(SLICE, length - done));
            int n = at < 0 ? in.read(slice) : in.read(slice, at + done);
            if (n <= 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    /** Reads from the channel's own position (for a channel read from its start). */
    static int read(FileChannel in, byte[] into) throws IOException {
        return read(in, -1, into, 0, into.length);
    }

    /** Writes all of {@code bytes} at {@code at}, or at the channel's position when {@code at} is negative. */
    static void write(FileChannel out, long at, byte[] bytes) throws IOException {
        int done = 0;
        while (done < bytes.length) {
            ByteBuffer slice = ByteBuffer.wrap(bytes, done, Math.min(SLICE, bytes.length - done));
            while (slice.hasRemaining()) {
                // The slice's position is its index in bytes: wrap() starts it at the offset.
                int n = at < 0 ? out.write(slice) : out.write(slice, at + slice.position());
                if (n < 0) {
                    throw new IOException("the channel took no bytes");
                }
            }
            done = slice.position();
        }
    }
}
