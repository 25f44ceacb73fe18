package io.vivarium.store.file;

import io.vivarium.store.StoreException;
import io.vivarium.task.TaskId;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The claim files under {@code task_locks/}: one {@code <task id>.lock} per running task. */
final class ClaimFiles {

    private static final String SUFFIX = ".lock";

    private final WorkspacePaths paths;

    ClaimFiles(WorkspacePaths paths) {
        this.paths = paths;
    }

    /** Every claim file whose name is a task id, sorted by task id. */
    List<Path> list() {
        if (!Files.isDirectory(paths.locks())) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(paths.locks(), "*" + SUFFIX)) {
            for (Path file : dir) {
                if (taskIdOf(file).isPresent()) {
                    files.add(file);
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot list " + paths.locks() + ": " + e.getMessage(), e);
        }
        files.sort(Comparator.comparing(Path::toString));
        return files;
    }

    int deleteAll() {
        int removed = 0;
        for (Path file : list()) {
            try {
                if (Files.deleteIfExists(file)) {
                    removed++;
                }
            } catch (IOException e) {
                throw new StoreException("cannot remove " + file + ": " + e.getMessage(), e);
            }
        }
        return removed;
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
