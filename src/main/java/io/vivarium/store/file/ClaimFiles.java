package io.vivarium.store.file;

import io.vivarium.store.StoreException;
import io.vivarium.task.TaskId;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The claim files under {@code task_locks/}: one {@code <task id>.lock} per running task.
 *
 * <p>{@code task_locks/} must be a real directory: a link there is refused, so nothing is ever listed or removed
 * in a directory elsewhere. Inside it, an entry named like a claim that is not a regular file (a link, a named
 * pipe, a socket) is no claim anyone holds, since claims are only ever made as regular files: it is never opened,
 * and it is removed like a dead claim, by an unlink that takes the entry itself and never what a link points to.
 * A directory with a claim's name is left alone (removing it could take what it holds).
 */
final class ClaimFiles {

    private static final String SUFFIX = ".lock";

    private final WorkspacePaths paths;

    ClaimFiles(WorkspacePaths paths) {
        this.paths = paths;
    }

    /** Every entry whose name is a task id's claim and that is not a directory, sorted by task id. */
    List<Path> list() {
        try (DirectoryStream<Path> dir = SafeFiles.openDirectory(paths.locks())) {
            return dir == null ? List.of() : claimsIn(dir);
        } catch (IOException e) {
            throw new StoreException("cannot list " + paths.locks() + ": " + e.getMessage(), e);
        }
    }

    /** Removes every claim file, and every odd entry with a claim's name, from the real {@code task_locks/}. */
    int deleteAll() {
        try (DirectoryStream<Path> dir = SafeFiles.openDirectory(paths.locks())) {
            if (dir == null) {
                return 0;
            }
            int removed = 0;
            for (Path file : claimsIn(dir)) {
                BasicFileAttributes entry = SafeFiles.entry(file);
                if (entry != null && SafeFiles.unlinkIfSame(dir, paths.locks(), file.getFileName(), entry.fileKey())) {
                    removed++;
                }
            }
            return removed;
        } catch (IOException e) {
            throw new StoreException("cannot remove claims in " + paths.locks() + ": " + e.getMessage(), e);
        }
    }

    private List<Path> claimsIn(DirectoryStream<Path> dir) {
        List<Path> files = new ArrayList<>();
        for (Path file : dir) {
            if (taskIdOf(file).isPresent() && !isDirectory(file)) {
                files.add(paths.locks().resolve(file.getFileName()));
            }
        }
        files.sort(Comparator.comparing(Path::toString));
        return files;
    }

    private static boolean isDirectory(Path file) {
        BasicFileAttributes entry = SafeFiles.entryOrNull(file);
        return entry != null && entry.isDirectory();
    }

    static Optional<String> taskIdOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        String id = name.substring(0, name.length() - SUFFIX.length());
        return TaskId.isValid(id) ? Optional.of(id) : Optional.empty();
    }
}
