package io.vivarium.store.file;

import java.nio.file.Path;

/** Where a workspace keeps each of its files. */
public record WorkspacePaths(Path root, Path queue, Path log, Path locks, Path storeLock) {

    public static WorkspacePaths of(Path root) {
        Path dir = root.toAbsolutePath().normalize();
        Path locks = dir.resolve("task_locks");
        // A dot name is never a valid task id, so `rm task_locks/*.lock` and `clear` leave it alone.
        return new WorkspacePaths(dir, dir.resolve("queue.json"), dir.resolve("execution_log.json"), locks,
                locks.resolve(".workspace.lock"));
    }

    /** Every change since the last checkpoint of the two documents; a dot name, like the lock. */
    public Path journal() {
        return locks.resolve(".journal");
    }
}
