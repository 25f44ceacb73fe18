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
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One workspace document on disk. Reads are cached, so a worker loop does not re-parse an unchanged file. A cached
 * copy is used only while the file's identity (inode, size, mtime) and the {@code revision} at its head are both
 * unchanged: every write here increments the revision, because identity alone can repeat (inodes are reused at
 * once, and a tmpfs can finish several writes within one mtime tick). A file without a revision is never cached.
 */
final class JsonFile<T extends JsonFile.Revisioned<T>> {

    /** A document that carries the count of writes it has been through. */
    interface Revisioned<T> {
        Long revision();

        T withRevision(long next);
    }

    private static final int HEAD_BYTES = 256;
    private static final Pattern REVISION =
            Pattern.compile("\"revision\"\\s*:\\s*(\\d+)");

    private final Path path;
    private final Class<T> type;
    private final Supplier<T> empty;
    private volatile Cached<T> cached;
    /** What this instance last read or wrote, cached or not: a commit reports it as the state it saw. */
    private volatile Identity seen;

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
        return seen;
    }

    /** The file's identity and revision on disk now; different after every write. */
    Object currentIdentity() {
        BasicFileAttributes a = SafeFiles.entryOrNull(path);
        return a == null ? null : new Identity(a.fileKey(), a.size(), a.lastModifiedTime(), headRevision());
    }

    /**
     * A number for {@link #currentIdentity()} or {@link #lastIdentity()}: the revision when the file has one (it
     * grows with every write), a hash of the file's identity when it does not, 0 when there is no file.
     */
    static long versionOf(Object identity) {
        if (!(identity instanceof Identity id)) {
            return 0;
        }
        return id.revision() != null ? id.revision() : Long.MIN_VALUE | (id.hashCode() & 0xffffffffL);
    }

    /**
     * The revision written at the file's head, or null when it has none (written by hand or by an older tool) or
     * is not a regular file (which {@link #read()} refuses).
     */
    private Long headRevision() {
        byte[] head = SafeFiles.head(path, HEAD_BYTES);
        return head == null ? null : headRevision(head);
    }

    static String headRevisionText(byte[] head) {
        return String.valueOf(headRevision(head));
    }

    private static Long headRevision(byte[] bytes) {
        String head = new String(bytes, 0, Math.min(bytes.length, HEAD_BYTES), StandardCharsets.UTF_8);
        Matcher m = REVISION.matcher(head);
        return m.find() ? Long.valueOf(m.group(1)) : null;
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
        Cached<T> hit = cached;
        if (hit != null && hit.matches(attributes) && hit.value.revision().equals(headRevision())) {
            seen = hit.identity();
            return hit.value;
        }
        byte[] bytes = readBytes();
        T value = parse(bytes);
        Long revision = headRevision(bytes);
        seen = new Identity(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime(), revision);
        cached = revision != null
                ? new Cached<>(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime(), value)
                : null;
        return value;
    }

    /** Replaces the file atomically with the next revision of {@code value}; the caller holds the workspace lock. */
    void write(T document) {
        T value = document.withRevision(document.revision() + 1);
        try {
            byte[] bytes = WorkspaceJson.mapper().writeValueAsBytes(value);
            AtomicFile.replace(path, appendNewline(bytes));
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            Cached<T> written = new Cached<>(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime(), value);
            cached = written;
            seen = written.identity();
        } catch (IOException e) {
            throw new StoreException("cannot write " + path + ": " + e.getMessage(), e);
        }
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

    private static byte[] appendNewline(byte[] bytes) {
        byte[] out = Arrays.copyOf(bytes, bytes.length + 1);
        out[bytes.length] = '\n';
        return out;
    }

    private record Identity(Object fileKey, long size, FileTime modified, Long revision) {
    }

    private record Cached<T extends Revisioned<T>>(Object fileKey, long size, FileTime modified, T value) {
        Identity identity() {
            return new Identity(fileKey, size, modified, value.revision());
        }


        boolean matches(BasicFileAttributes a) {
            return fileKey != null && Objects.equals(fileKey, a.fileKey()) && size == a.size()
                    && modified.equals(a.lastModifiedTime());
        }
    }
}
