package io.vivarium.store.file;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hidden temp files a write goes through ({@code .queue.json.<pid>-<random>.tmp} beside its target), and the
 * clean-up of those a writer left when it was killed between creating one and renaming it.
 *
 * <p>The writer's pid in the name is what makes the clean-up safe: a temp file is removed only when the process
 * that made it is gone and the file has not changed for a while, or when it is old enough that no write could still
 * be using it (a pid in another pid namespace, or reused, then only delays the clean-up).
 */
final class TempFiles {

    private static final long PID = ProcessHandle.current().pid();
    /** {@code .<target name>.<pid>-<uuid>.tmp}, or the pid-less form of earlier versions. */
    private static final Pattern TEMP = Pattern.compile("\\.(.+)\\.(?:(\\d+)-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
            + "[0-9a-f]{4}-[0-9a-f]{12}\\.tmp");
    /** A dead writer's file is left this long first: its pid may have been read from another pid namespace. */
    static final Duration DEAD_WRITER_AGE = Duration.ofSeconds(10);
    /** No write keeps a temp file this long, whoever made it. */
    static final Duration ANY_WRITER_AGE = Duration.ofHours(1);

    private TempFiles() {
    }

    /** A fresh temp name beside {@code target}, naming this process. */
    static Path beside(Path target) {
        return target.resolveSibling("." + target.getFileName() + "." + PID + "-" + UUID.randomUUID() + ".tmp");
    }

    /**
     * Removes the temp files of {@code dir} whose writer is gone, for targets whose names {@code target} accepts;
     * returns how many. Only regular files are removed, by an unlink of the entry that was checked.
     */
    static int cleanLeftovers(Path dir, Instant now, java.util.function.Predicate<String> target) {
        int removed = 0;
        try (DirectoryStream<Path> entries = SafeFiles.openDirectory(dir)) {
            if (entries == null) {
                return 0;
            }
            for (Path entry : entries) {
                Path name = entry.getFileName();
                Matcher m = TEMP.matcher(name.toString());
                if (!m.matches() || !target.test(m.group(1))) {
                    continue;
                }
                BasicFileAttributes attributes = SafeFiles.entryOrNull(dir.resolve(name));
                if (attributes == null || !attributes.isRegularFile()) {
                    continue;
                }
                Instant modified = attributes.lastModifiedTime().toInstant();
                if (leftBehind(m.group(2), modified, now)
                        && SafeFiles.unlinkIfSame(dir, name, attributes.fileKey())) {
                    removed++;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Tidying only: a directory that cannot be listed is reported by whatever needs it.
        }
        return removed;
    }

    private static boolean leftBehind(String pid, Instant modified, Instant now) {
        if (modified.plus(ANY_WRITER_AGE).isBefore(now)) {
            return true;
        }
        if (pid == null || Long.parseLong(pid) == PID || modified.plus(DEAD_WRITER_AGE).isAfter(now)) {
            return false;
        }
        return ProcessHandle.of(Long.parseLong(pid)).map(p -> !p.isAlive()).orElse(true);
    }
}
