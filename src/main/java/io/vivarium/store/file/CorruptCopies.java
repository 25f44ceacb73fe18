package io.vivarium.store.file;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** A file Vivarium cannot read, moved aside to {@code NAME.corrupt-<timestamp>} beside it: never deleted. */
final class CorruptCopies {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private CorruptCopies() {
    }

    /** Renames {@code file} (the entry itself, never what a link points to) and returns its new path. */
    static Path moveAside(Path file, Instant now) throws IOException {
        String base = file.getFileName() + ".corrupt-" + STAMP.format(now);
        for (int n = 0; ; n++) {
            Path aside = file.resolveSibling(n == 0 ? base : base + "-" + n);
            if (Files.exists(aside, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                // Not REPLACE_EXISTING: an earlier copy under the same name is never overwritten.
                Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
                AtomicFile.syncDirectory(file.getParent());
                return aside;
            } catch (FileAlreadyExistsException e) {
                // taken since the check: try the next name
            }
        }
    }
}
