package io.vivarium.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file so that readers see the old bytes or the new ones, never a mix, and a crash keeps one of them:
 * write a temp file beside it, fsync, rename over the target, fsync the directory.
 * Callers hold the workspace lock, which is what makes the fixed temp name safe.
 */
final class AtomicFile {

    private AtomicFile() {
    }

    static void replace(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        } catch (IOException e) {
            // A full disk: the old file is intact; give back the space the half-written copy holds.
            Files.deleteIfExists(temp);
            throw e;
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.getParent());
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some filesystems refuse to fsync a directory; the rename is still atomic there.
            if (!"Is a directory".equals(e.getMessage()) && !(e instanceof java.nio.file.AccessDeniedException)) {
                throw e;
            }
        }
    }
}
