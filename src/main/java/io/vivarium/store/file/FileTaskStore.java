package io.vivarium.store.file;

import io.vivarium.store.Claim;
import io.vivarium.store.DuplicateTaskException;
import io.vivarium.store.Snapshot;
import io.vivarium.store.StoreException;
import io.vivarium.store.TaskStore;
import io.vivarium.task.DependencyGraph;
import io.vivarium.task.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The embedded store: a workspace directory of plain files. Every change is a read-modify-write under the
 * workspace lock that lands by atomic rename, so no reader sees a torn file and no writer loses another's update.
 */
public final class FileTaskStore implements TaskStore {

    private final WorkspacePaths paths;
    private final Clock clock;
    private final WorkspaceLock lock;
    private final JsonFile<QueueDocument> queue;
    private final JsonFile<ExecutionLog> log;
    private final ClaimFiles claimFiles;

    public FileTaskStore(Path workspace, Clock clock) {
        if (!Files.isDirectory(workspace)) {
            throw new StoreException("workspace " + workspace.toAbsolutePath().normalize() + " is not a directory");
        }
        this.paths = WorkspacePaths.of(workspace);
        this.clock = clock;
        this.lock = WorkspaceLock.of(paths.storeLock());
        this.queue = new JsonFile<>(paths.queue(), QueueDocument.class, QueueDocument::empty);
        this.log = new JsonFile<>(paths.log(), ExecutionLog.class, ExecutionLog::empty);
        this.claimFiles = new ClaimFiles(paths);
    }

    public WorkspacePaths paths() {
        return paths;
    }

    @Override
    public Snapshot snapshot() {
        QueueDocument q = queue.read();
        ExecutionLog l = log.read();
        return new Snapshot(q.tasks(), l.runsOver(q));
    }

    @Override
    public List<Claim> claims() {
        List<Claim> claims = new ArrayList<>();
        for (Path file : claimFiles.list()) {
            claimFiles.read(file).ifPresent(claims::add);
        }
        return claims;
    }

    @Override
    public void add(List<Task> tasks) {
        if (tasks.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        List<Task> stamped = tasks.stream()
                .map(t -> t.createdAt() != null ? t : t.toBuilder().createdAt(now).build())
                .toList();
        lock.runExclusive(() -> {
            QueueDocument q = queue.read();
            ExecutionLog l = log.read();
            Set<String> ids = new HashSet<>();
            q.tasks().forEach(t -> ids.add(t.id()));
            for (Task task : stamped) {
                if (!ids.add(task.id())) {
                    throw new DuplicateTaskException(task.id());
                }
            }
            DependencyGraph.checkAppend(q.tasks(), stamped);
            QueueDocument appended = q.append(stamped);
            queue.write(appended);
            log.write(l.summarizedOver(appended));
        });
    }

    @Override
    public ClearResult clear() {
        ensureLocksDirectory();
        return lock.callExclusive(() -> {
            // Both are read first so that a corrupt file stops the clear before anything is changed.
            QueueDocument q = queue.read();
            ExecutionLog l = log.read();
            QueueDocument emptied = q.cleared();
            queue.write(emptied);
            log.write(l.cleared(emptied));
            int claims = claimFiles.deleteAll();
            return new ClearResult(q.tasks().size(), claims);
        });
    }

    private void ensureLocksDirectory() {
        try {
            Files.createDirectories(paths.locks());
        } catch (IOException e) {
            throw new StoreException("cannot create " + paths.locks() + ": " + e.getMessage(), e);
        }
    }
}
