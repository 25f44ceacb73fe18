package io.vivarium.store.file;

import io.vivarium.store.CorruptFileException;
import io.vivarium.store.Loading;
import io.vivarium.store.Snapshot;
import io.vivarium.store.StoreException;
import io.vivarium.store.TaskStore.ClearResult;
import io.vivarium.store.file.LeaseFiles.Found;
import io.vivarium.store.file.LeaseFiles.Own;
import io.vivarium.task.Task;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The queue's definitions: tasks added (by the quick add when it applies), cleared, or loaded from a snapshot. */
final class Definitions {

    private static final Logger log = LoggerFactory.getLogger(Definitions.class);

    private final WorkspacePaths paths;
    private final WorkspaceLock lock;
    private final JournalledState journalled;
    private final QuickAdd quickAdd;
    private final ClaimFiles claimFiles;
    private final Own own;
    private final Clock clock;

    Definitions(JournalledState journalled, ClaimFiles claimFiles, Own own, Clock clock) {
        this.paths = journalled.paths();
        this.lock = journalled.lock();
        this.journalled = journalled;
        this.quickAdd = new QuickAdd(journalled, clock);
        this.claimFiles = claimFiles;
        this.own = own;
        this.clock = clock;
    }

    void add(List<Task> tasks) {
        if (tasks.isEmpty()) {
            return;
        }
        journalled.ensureLocksDirectory();
        if (lock.callExclusive(() -> !journalled.loaded()) && quickAdd.add(tasks)) {
            return;
        }
        journalled.change(change -> {
            WorkspaceState state = change.state();
            // Stamped under the lock, just before the write: created_at is when the task entered the queue.
            List<Task> stamped = tasks.stream()
                    .map(t -> t.createdAt() != null ? t : t.toBuilder().createdAt(change.now).build())
                    .toList();
            NewTasks.check(state.ids(), stamped);
            change.add(stamped);
            return null;
        });
    }

    /**
     * Always works: a document that cannot be read (it does not parse) is moved aside to {@code NAME.corrupt-<time>},
     * never deleted, and named in the result. A link or an odd file in its place is still refused: renaming it would
     * not make the workspace usable, and it is the user's to look at.
     */
    ClearResult clear() {
        List<String> movedAside = new ArrayList<>();
        while (true) {
            try {
                ClearResult cleared = clearReadable();
                return new ClearResult(cleared.tasksRemoved(), cleared.claimsRemoved(), movedAside);
            } catch (CorruptFileException e) {
                boolean document = paths.queue().equals(e.path()) || paths.log().equals(e.path());
                if (e instanceof UnusableFileException || !document || movedAside.size() >= 2) {
                    throw e;
                }
                movedAside.add(lock.callExclusive(() -> {
                    try {
                        journalled.forget();
                        return CorruptCopies.moveAside(e.path(), clock.instant()).toString();
                    } catch (IOException io) {
                        throw new StoreException(e.getMessage() + "; it could not be moved aside: " + io.getMessage(), io);
                    }
                }));
                log.info("{}; moved it aside to {}", e.getMessage().replaceFirst("; it was left unchanged.*", ""),
                        movedAside.get(movedAside.size() - 1));
            }
        }
    }

    private ClearResult clearReadable() {
        return journalled.change(change -> {
            WorkspaceState state = change.state();
            int tasks = state.tasks().size();
            int claims = 0;
            for (Found found : LeaseFiles.scan(claimFiles, own)) {
                // A file with no readable line (a dead owner's torn file, an odd entry) is still one claim removed.
                claims += Math.max(1, found.lines().size());
            }
            change.clear();
            change.afterWrite(() -> {
                own.dropAll();
                claimFiles.deleteAll();
            });
            return new ClearResult(tasks, claims);
        });
    }

    void load(Snapshot snapshot) {
        Loading.check(snapshot);
        journalled.change(change -> {
            WorkspaceState state = change.state();
            if (!state.tasks().isEmpty()) {
                throw new StoreException(paths.queue() + " already holds " + state.tasks().size()
                        + " tasks: clear it first, or choose another workspace");
            }
            change.add(snapshot.tasks());
            snapshot.runs().forEach(change::put);
            return null;
        });
    }
}
