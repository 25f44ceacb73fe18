package io.vivarium.cli;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Decodes UTF-8 that arrives in pieces: a character split between two pieces is held back until it is whole. */
final class Utf8Chunks {

    private byte[] held = new byte[0];

    String decode(byte[] chunk) {
        byte[] bytes = Arrays.copyOf(held, held.length + chunk.length);
        System.arraycopy(chunk, 0, bytes, held.length, chunk.length);
        int whole = wholeCharacters(bytes);
        held = Arrays.copyOfRange(bytes, whole, bytes.length);
        return new String(bytes, 0, whole, StandardCharsets.UTF_8);
    }

    /** How many leading bytes end on a character boundary: an unfinished sequence at the end waits. */
    private static int wholeCharacters(byte[] bytes) {
        for (int back = 1; back <= Math.min(3, bytes.length); back++) {
            int b = bytes[bytes.length - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // a continuation byte: look further back for its lead
            }
            int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return length > back ? bytes.length - back : bytes.length;
        }
        return bytes.length;
    }
}
