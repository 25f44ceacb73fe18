package io.vivarium.store.file;

import io.vivarium.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Objects;
import java.util.Locale;

/**
 * The one place that decides how a workspace entry may be touched. A workspace file is never followed through a
 * link (it could lead anywhere on the machine), never opened unless it is a regular file (opening a named pipe
 * blocks until someone writes to it), and never read past a bound (a claim file can be made to look 3 GiB long).
 *
 * <p>The type is checked with the entry's own attributes before it is opened, and the open refuses links
 * ({@code O_NOFOLLOW}) so a link put in between is still not followed. A named pipe swapped in between those two
 * steps could still block an open: that needs someone racing us inside the workspace, which no check here stops.
 */
final class SafeFiles {

    /** Far above any real queue or log (100,000 tasks are ~40 MiB), far below what would exhaust the heap. */
    static final long MAX_DOCUMENT_BYTES = 512L << 20;
    /** A lease file holds one short line per task its process runs. */
    static final int MAX_LEASE_BYTES = 4 << 20;

    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private SafeFiles() {
    }

    /** The entry's own attributes (a link is described, not followed), or null when there is no entry. */
    static BasicFileAttributes entry(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, NO_FOLLOW);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Like {@link #entry}, for callers that treat an unreadable entry as a missing one. */
    static BasicFileAttributes entryOrNull(Path path) {
        try {
            return entry(path);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The whole content of a regular file of at most {@code maxBytes}.
     *
     * @throws NoSuchFileException when there is no such entry
     * @throws UnusableFileException when it is a link, not a regular file, or longer than {@code maxBytes}
     */
    static byte[] readRegular(Path path, long maxBytes) throws IOException {
        BasicFileAttributes attributes = entry(path);
        if (attributes == null) {
            throw new NoSuchFileException(path.toString());
        }
        requireRegular(path, attributes, maxBytes);
        try (FileChannel in = openRegular(path, StandardOpenOption.READ)) {
            // The size is asked again through the open file: it may have grown since it was checked.
            return readAtMost(path, in, maxBytes);
        }
    }

    /** Up to {@code count} bytes from the start of a regular file; null when it is missing or anything else. */
    static byte[] head(Path path, int count) {
        try {
            BasicFileAttributes attributes = entry(path);
            if (attributes == null || !attributes.isRegularFile()) {
                return null;
            }
            try (FileChannel in = openRegular(path, StandardOpenOption.READ)) {
                ByteBuffer buffer = ByteBuffer.allocate(count);
                while (buffer.hasRemaining() && in.read(buffer) > 0) {
                    // read until the buffer is full or the file ends
                }
                return Arrays.copyOf(buffer.array(), buffer.position());
            }
        } catch (IOException e) {
            return null;
        }
    }

    /** Refuses anything but a regular file of at most {@code maxBytes}, naming the path and what it is. */
    static void requireRegular(Path path, BasicFileAttributes attributes, long maxBytes) {
        if (!attributes.isRegularFile()) {
            throw new UnusableFileException(path, kind(path, attributes) + ", not a regular file: Vivarium never "
                    + "follows a link or opens a special file in a workspace");
        }
        if (attributes.size() > maxBytes) {
            throw tooLarge(path, attributes.size(), maxBytes);
        }
    }

    /** Opens an entry already checked to be a regular file, refusing it should it have become a link since. */
    static FileChannel openRegular(Path path, OpenOption... options) throws IOException {
        OpenOption[] all = Arrays.copyOf(options, options.length + 1);
        all[options.length] = LinkOption.NOFOLLOW_LINKS;
        return FileChannel.open(path, all);
    }

    /**
     * Makes sure {@code dir} is a real directory inside its parent, creating it when missing.
     *
     * @throws UnusableFileException when it is a link (even to a directory) or anything but a directory
     */
    static void createDirectory(Path dir) throws IOException {
        if (isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            // Made by someone else meanwhile, or something else stands there: decided below.
            isDirectory(dir);
        }
    }

    /**
     * True when {@code dir} is a real directory, false when there is no entry.
     *
     * @throws UnusableFileException when it is a link (even to a directory) or anything but a directory
     */
    private static boolean isDirectory(Path dir) throws IOException {
        BasicFileAttributes attributes = entry(dir);
        if (attributes == null) {
            return false;
        }
        requireDirectory(dir, attributes);
        return true;
    }

    private static void requireDirectory(Path dir, BasicFileAttributes attributes) {
        if (!attributes.isDirectory()) {
            throw new UnusableFileException(dir, kind(dir, attributes) + ", not a directory: Vivarium never "
                    + "follows a link in a workspace");
        }
    }

    /**
     * Removes the entry {@code name} from the real directory {@code dir}, if it is still the entry with
     * {@code fileKey}. The unlink is made relative to the directory that was opened and checked, so it can never
     * land in a directory that a link points to, and it removes a link itself, never what the link points to.
     *
     * @return false when the entry is gone or is no longer the one with that key
     */
    static boolean unlinkIfSame(Path dir, Path name, Object fileKey) throws IOException {
        try (DirectoryStream<Path> opened = openDirectory(dir)) {
            return opened != null && unlinkIfSame(opened, dir, name, fileKey);
        }
    }

    /** {@link #unlinkIfSame(Path, Path, Object)} in a directory opened by {@link #openDirectory}. */
    static boolean unlinkIfSame(DirectoryStream<Path> opened, Path dir, Path name, Object fileKey) throws IOException {
        if (fileKey == null) {
            return false;
        }
        if (opened instanceof SecureDirectoryStream<Path> secure) {
            try {
                BasicFileAttributes attributes =
                        secure.getFileAttributeView(name, BasicFileAttributeView.class, NO_FOLLOW).readAttributes();
                if (!fileKey.equals(attributes.fileKey())) {
                    return false;
                }
                secure.deleteFile(name);
                return true;
            } catch (NoSuchFileException e) {
                return false;
            }
        }
        // Without directory-relative calls (not Linux) the directory was at least checked when it was opened, and
        // a delete removes a link itself.
        BasicFileAttributes attributes = entry(dir.resolve(name));
        return attributes != null && fileKey.equals(attributes.fileKey()) && Files.deleteIfExists(dir.resolve(name));
    }

    /**
     * Opens the real directory {@code dir} for listing: it must be a directory and not a link, and where the
     * platform can tell, the directory actually opened must be that same one, so a link swapped in between is not
     * listed either.
     *
     * @return null when there is no such directory
     */
    static DirectoryStream<Path> openDirectory(Path dir) throws IOException {
        BasicFileAttributes before = entry(dir);
        if (before == null) {
            return null;
        }
        requireDirectory(dir, before);
        DirectoryStream<Path> stream = Files.newDirectoryStream(dir);
        if (stream instanceof SecureDirectoryStream<Path> secure) {
            Object opened = secure.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
            if (!Objects.equals(opened, before.fileKey())) {
                stream.close();
                throw new StoreException(dir + " was replaced while it was being opened; try again");
            }
        }
        return stream;
    }

    private static byte[] readAtMost(Path path, FileChannel in, long maxBytes) throws IOException {
        long size = in.size();
        if (size > maxBytes) {
            throw tooLarge(path, size, maxBytes);
        }
        byte[] bytes = new byte[(int) size];
        int read = ChunkedIo.read(in, bytes);
        return read == bytes.length ? bytes : Arrays.copyOf(bytes, read);
    }

    private static UnusableFileException tooLarge(Path path, long size, long maxBytes) {
        return new UnusableFileException(path, size(size) + " long, more than the " + size(maxBytes)
                + " Vivarium reads from such a file");
    }

    private static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        if (bytes < 1024 * 1024) {
            return trim(bytes / 1024.0) + " KiB";
        }
        if (bytes < 1024L * 1024 * 1024) {
            return trim(bytes / (1024.0 * 1024)) + " MiB";
        }
        return trim(bytes / (1024.0 * 1024 * 1024)) + " GiB";
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }

    /** What an entry is, in words a user knows from {@code ls -l}. */
    private static String kind(Path path, BasicFileAttributes attributes) {
        if (attributes.isSymbolicLink()) {
            return "a symbolic link";
        }
        if (attributes.isDirectory()) {
            return "a directory";
        }
        if (attributes.isRegularFile()) {
            return "a regular file";
        }
        try {
            int type = (Integer) Files.getAttribute(path, "unix:mode", NO_FOLLOW) & 0170000;
            return switch (type) {
                case 0010000 -> "a named pipe";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "a special file";
        }
    }
}
