package io.vivarium.store.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.AccessDeniedException;

/**
 * Replaces a file so that readers see the old bytes or the new ones, never a mix, and a crash keeps one of them:
 * write a temp file beside it, fsync, rename over the target, fsync the directory.
 *
 * <p>The temp file gets a fresh name and is created exclusively ({@code O_CREAT|O_EXCL}, which never follows a
 * link): a link or file planted at a predictable name cannot redirect the write out of the workspace. The rename
 * replaces the target's name itself, so a link there is replaced, not written through.
 */
final class AtomicFile {

    private AtomicFile() {
    }

    static void replace(Path target, byte[] content) throws IOException {
        Path temp = TempFiles.beside(target);
        FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        try (out) {
            ChunkedIo.write(out, -1, content);
            out.force(true);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // A full disk, say: the old file is intact; give back the space the half-written copy holds.
            Files.deleteIfExists(temp);
            throw e;
        }
        syncDirectory(target.getParent());
    }

    /** The first half of {@link #replace}: the content, durable, in a hidden temp file beside {@code target}. */
    static Path writeTemp(Path target, byte[] content) throws IOException {
        Path temp = TempFiles.beside(target);
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            ChunkedIo.write(out, -1, content);
            out.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }

    /** What a temp file is written with, for content not held as one array. */
    interface Content {
        void writeTo(FileChannel out) throws IOException;
    }

    /** {@link #writeTemp(Path, byte[])} for content that writes itself to the channel. */
    static Path writeTemp(Path target, Content content) throws IOException {
        Path temp = TempFiles.beside(target);
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            content.writeTo(out);
            out.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }

    /** The second half: the temp file renamed over {@code target}, and the directory made durable. */
    static void install(Path temp, Path target) throws IOException {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.getParent());
    }

    static void deleteQuietly(Path temp) {
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a hidden temp file never matches a workspace file's name
            }
        }
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some filesystems refuse to fsync a directory; the rename is still atomic there.
            if (!"Is a directory".equals(e.getMessage()) && !(e instanceof AccessDeniedException)) {
                throw e;
            }
        }
    }
}
