package io.vivarium.store.file;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The quick add's pass over {@code queue.json}: the ids of the tasks in its {@code tasks} array and where the array
 * and its last task end, found by walking the bytes. A streaming JSON parser tokenizes every field of 100,000 tasks
 * in a JVM that has just started, most of the add's time; this skips what it does not need. It reads only documents
 * that were read whole before (the journal names them), so it checks structure, not syntax; anything it does not
 * expect (an id with an escape, a task that is not an object) makes it give up, and the add reads the queue whole.
 */
final class QueueScanner {

    private final byte[] b;
    private int at;

    private QueueScanner(byte[] bytes) {
        this.b = bytes;
    }

    static Optional<QuickAppend.QueueScan> scan(byte[] queue) {
        try {
            return Optional.ofNullable(new QueueScanner(queue).document());
        } catch (GiveUp | ArrayIndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    private QuickAppend.QueueScan document() {
        expect('{');
        QuickAppend.QueueScan found = null;
        if (peek() == '}') {
            return null;
        }
        do {
            boolean tasks = key("tasks");
            if (tasks && peek() == '[') {
                found = tasks();
            } else {
                skipValue();
            }
        } while (next(',', '}'));
        return found;
    }

    private QuickAppend.QueueScan tasks() {
        int arrayStart = at;
        expect('[');
        Set<String> ids = new HashSet<>();
        long lastTaskEnd = -1;
        if (peek() != ']') {
            do {
                expect('{');
                if (peek() != '}') {
                    do {
                        if (key("id") && peek() == '"') {
                            ids.add(plainString());
                        } else {
                            skipValue();
                        }
                    } while (next(',', '}'));
                } else {
                    at++;
                }
                lastTaskEnd = at;
            } while (next(',', ']'));
        } else {
            at++;
        }
        int arrayEnd = at - 1;
        return new QuickAppend.QueueScan(ids, lastTaskEnd, lastTaskEnd < 0, arrayStart, arrayEnd);
    }

    /** Reads a member's name and its colon; whether the name is {@code name}. */
    private boolean key(String name) {
        if (peek() != '"') {
            throw new GiveUp();
        }
        int start = at + 1;
        skipString();
        boolean is = at - 1 - start == name.length()
                && name.equals(new String(b, start, name.length(), StandardCharsets.ISO_8859_1));
        expect(':');
        return is;
    }

    /** A string without escapes (a task id never has one), decoded. */
    private String plainString() {
        int start = ++at;
        while (b[at] != '"') {
            if (b[at] == '\\') {
                throw new GiveUp();
            }
            at++;
        }
        return new String(b, start, at++ - start, StandardCharsets.UTF_8);
    }

    /** After a member or an element: true at {@code more}, false at {@code end}, past either. */
    private boolean next(char more, char end) {
        char c = peek();
        at++;
        if (c == more) {
            return true;
        }
        if (c == end) {
            return false;
        }
        throw new GiveUp();
    }

    private void skipValue() {
        char c = peek();
        if (c == '"') {
            skipString();
        } else if (c == '{' || c == '[') {
            int depth = 0;
            do {
                byte x = b[at];
                if (x == '"') {
                    skipString();
                    continue;
                }
                if (x == '{' || x == '[') {
                    depth++;
                } else if (x == '}' || x == ']') {
                    depth--;
                }
                at++;
            } while (depth > 0);
        } else {
            while (b[at] != ',' && b[at] != '}' && b[at] != ']' && !whitespace(b[at])) {
                at++;
            }
        }
    }

    private void skipString() {
        at++;
        while (b[at] != '"') {
            at += b[at] == '\\' ? 2 : 1;
        }
        at++;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw new GiveUp();
        }
        at++;
    }

    /** The next character that is not whitespace, without moving past it. */
    private char peek() {
        while (whitespace(b[at])) {
            at++;
        }
        return (char) b[at];
    }

    private static boolean whitespace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    private static final class GiveUp extends RuntimeException {
        GiveUp() {
            super(null, null, false, false);
        }
    }
}
