package io.vivarium.store.file;

import io.vivarium.store.CorruptFileException;
import io.vivarium.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;

/**
 * One workspace document on disk. Reads are cached on the file's identity (inode, size, mtime): every write is a
 * rename of a new file, so an unchanged identity means unchanged content and a worker loop does not re-parse it.
 */
final class JsonFile<T> {

    private final Path path;
    private final Class<T> type;
    private final Supplier<T> empty;
    private volatile Cached<T> cached;

    JsonFile(Path path, Class<T> type, Supplier<T> empty) {
        this.path = path;
        this.type = type;
        this.empty = empty;
    }

    Path path() {
        return path;
    }

    /** The file's identity as last read or written here (null if never); see {@link #currentIdentity()}. */
    Object lastIdentity() {
        Cached<T> hit = cached;
        return hit == null ? null : hit.identity();
    }

    /** The file's identity on disk now: changes with every write, since every write is a new inode. */
    Object currentIdentity() {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return new Identity(a.fileKey(), a.size(), a.lastModifiedTime());
        } catch (IOException e) {
            return null;
        }
    }

    T read() {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return empty.get();
        } catch (IOException e) {
            throw new StoreException("cannot read " + path + ": " + e.getMessage(), e);
        }
        Cached<T> hit = cached;
        if (hit != null && hit.matches(attributes)) {
            return hit.value;
        }
        T value = parse(readBytes());
        cached = new Cached<>(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime(), value);
        return value;
    }

    /** Replaces the file atomically; the caller holds the workspace lock. */
    void write(T value) {
        try {
            byte[] bytes = WorkspaceJson.mapper().writeValueAsBytes(value);
            AtomicFile.replace(path, appendNewline(bytes));
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            cached = new Cached<>(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime(), value);
        } catch (IOException e) {
            throw new StoreException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    private byte[] readBytes() {
        try {
            return Files.readAllBytes(path);
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

    private static byte[] appendNewline(byte[] bytes) {
        byte[] out = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        out[bytes.length] = '\n';
        return out;
    }

    private record Identity(Object fileKey, long size, FileTime modified) {
    }

    private record Cached<T>(Object fileKey, long size, FileTime modified, T value) {
        Identity identity() {
            return new Identity(fileKey, size, modified);
        }


        boolean matches(BasicFileAttributes a) {
            return fileKey != null && Objects.equals(fileKey, a.fileKey()) && size == a.size()
                    && modified.equals(a.lastModifiedTime());
        }
    }
}
