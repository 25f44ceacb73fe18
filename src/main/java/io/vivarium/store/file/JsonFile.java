package io.vivarium.store.file;

import io.vivarium.store.CorruptFileException;
import io.vivarium.store.StoreException;
import io.vivarium.store.WorkspaceJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;

/**
 * One workspace document on disk, read whole: a missing or blank file is the empty document, one that does not parse
 * is reported with its path. Nothing is kept once read: the store holds the state, and a 100,000-task document held
 * here as well would double it. Documents are written by {@link Checkpoints}.
 */
final class JsonFile<T extends JsonFile.Revisioned<T>> {

    /** A document that carries the journal seq it holds everything up to. */
    interface Revisioned<T> {
        Long revision();

        T withRevision(long next);
    }

    private static final Pattern REVISION = Pattern.compile("\"revision\"\\s*:\\s*(\\d+)");

    private final Path path;
    private final Class<T> type;
    private final Supplier<T> empty;

    JsonFile(Path path, Class<T> type, Supplier<T> empty) {
        this.path = path;
        this.type = type;
        this.empty = empty;
    }

    /** The {@code revision} written at the head of a document, as text ("null" when it has none). */
    static String headRevisionText(byte[] head) {
        Matcher m = REVISION.matcher(new String(head, StandardCharsets.UTF_8));
        return m.find() ? m.group(1) : "null";
    }

    T read() {
        BasicFileAttributes attributes;
        try {
            attributes = SafeFiles.entry(path);
        } catch (IOException e) {
            throw new StoreException("cannot read " + path + ": " + e.getMessage(), e);
        }
        if (attributes == null) {
            return empty.get();
        }
        SafeFiles.requireRegular(path, attributes, SafeFiles.MAX_DOCUMENT_BYTES);
        return parse(readBytes());
    }

    private byte[] readBytes() {
        try {
            return SafeFiles.readRegular(path, SafeFiles.MAX_DOCUMENT_BYTES);
        } catch (NoSuchFileException e) {
            return new byte[0];
        } catch (IOException e) {
            throw new StoreException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private T parse(byte[] bytes) {
        if (isBlank(bytes)) {
            return empty.get();
        }
        try {
            T value = WorkspaceJson.mapper().readValue(bytes, type);
            if (value == null) {
                throw new CorruptFileException(path, "it holds null");
            }
            return value;
        } catch (JacksonException e) {
            throw new CorruptFileException(path, WorkspaceJson.describe(e));
        } catch (IllegalArgumentException e) {
            throw new CorruptFileException(path, e.getMessage());
        }
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
