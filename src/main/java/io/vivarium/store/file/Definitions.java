package io.vivarium.store.file;

import io.vivarium.store.CorruptFileException;
import io.vivarium.store.Loading;
import io.vivarium.store.Snapshot;
import io.vivarium.store.StoreException;
import io.vivarium.store.TaskStore.ClearResult;
import io.vivarium.store.file.LeaseFiles.Found;
import io.vivarium.store.file.LeaseFiles.Own;
import io.vivarium.task.Pruning;
import io.vivarium.task.Task;
import io.vivarium.task.TaskKeys;
import io.vivarium.task.TaskStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue's definitions: tasks added (by the quick add when it applies; a keyed add only when no unfinished task
 * holds its key), pruned, cleared, or loaded from a snapshot.
 */
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

    List<TaskKeys.Answer> addDeduplicated(List<Task> tasks) {
        if (tasks.isEmpty()) {
            return List.of();
        }
        journalled.ensureLocksDirectory();
        // A keyed add needs the queue's keys, so it never takes the quick path that does not read the queue.
        boolean keyed = TaskKeys.anyKeyed(tasks);
        if (!keyed && lock.callExclusive(() -> !journalled.loaded()) && quickAdd.add(tasks)) {
            return tasks.stream().map(t -> new TaskKeys.Answer(t.id(), true)).toList();
        }
        return journalled.change(change -> {
            WorkspaceState state = change.state();
            TaskKeys.Decision decision = TaskKeys.decide(tasks, keyed ? heldKeys(state) : Map.of());
            // Stamped under the lock, just before the write: created_at is when the task entered the queue.
            List<Task> stamped = decision.added().stream()
                    .map(t -> t.createdAt() != null ? t : t.toBuilder().createdAt(change.now).build())
                    .toList();
            NewTasks.check(state.ids(), stamped);
            if (!stamped.isEmpty()) {
                change.add(stamped);
            }
            return decision.answers();
        });
    }

    List<String> prune(Set<TaskStatus> statuses, Instant endedBefore) {
        Set<TaskStatus> asked = Pruning.check(statuses);
        return journalled.change(change -> {
            WorkspaceState state = change.state();
            List<String> gone = Pruning.choose(state.tasks(), state.runs(), asked, endedBefore);
            if (!gone.isEmpty()) {
                change.remove(gone);
            }
            return gone;
        });
    }

    /** The keys unfinished tasks hold, and which task holds each: read only for an add that has keys. */
    private static Map<String, String> heldKeys(WorkspaceState state) {
        Map<String, String> held = new HashMap<>();
        for (Task task : state.tasks()) {
            if (task.key() != null && TaskKeys.holds(state.runOf(task.id()).status())) {
                held.putIfAbsent(task.key(), task.id());
            }
        }
        return held;
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
