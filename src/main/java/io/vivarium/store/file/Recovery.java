package io.vivarium.store.file;

import io.vivarium.store.Claim;
import io.vivarium.store.StaleClaim;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.Takeover;
import io.vivarium.store.file.LeaseFiles.Found;
import io.vivarium.store.file.LeaseFiles.Own;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Taking over from workers that stopped: leases of dead processes, leases not renewed within the lease time, and
 * running tasks that no lease file lists. Each is checked again under the lock before its task is requeued.
 */
final class Recovery {

    private final WorkspacePaths paths;
    private final WorkspaceLock lock;
    private final JournalledState journalled;
    private final ClaimFiles claimFiles;
    private final Own own;
    private final Clock clock;
    private final StoreSettings settings;
    /** In-progress tasks seen without a lease, and since when; see {@link StoreSettings#missingClaimGrace()}. */
    private final Map<String, Instant> missingClaimSince = new ConcurrentHashMap<>();

    Recovery(JournalledState journalled, ClaimFiles claimFiles, Own own, Clock clock, StoreSettings settings) {
        this.paths = journalled.paths();
        this.lock = journalled.lock();
        this.journalled = journalled;
        this.claimFiles = claimFiles;
        this.own = own;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * Leases of dead processes, leases not renewed within the lease time, and running tasks that no lease file
     * lists. Dead lease files that list nothing running are removed on the way: no task needs taking over.
     */
    List<StaleClaim> findStaleClaims() {
        if (!Files.isDirectory(paths.locks())) {
            return List.of();
        }
        return lock.callExclusive(() -> {
            WorkspaceState s = journalled.current();
            Instant now = clock.instant();
            List<StaleClaim> stale = new ArrayList<>();
            Set<String> listed = new HashSet<>(own.taskIds());
            for (Found found : LeaseFiles.scan(claimFiles, own)) {
                boolean holdsRunning = false;
                for (LeaseFiles.Line line : found.lines()) {
                    listed.add(line.taskId());
                    if (!runsUnder(s, line)) {
                        continue;
                    }
                    holdsRunning = true;
                    staleReason(found, line, now).ifPresent(reason ->
                            stale.add(new StaleClaim(line.taskId(), line.claim(), reason, line.fenceOrZero())));
                }
                if (found.state() == Found.State.DEAD && !holdsRunning) {
                    LeaseFiles.deleteIfSame(found.file(), found.fileKey());
                }
            }
            Set<String> unclaimed = new HashSet<>();
            for (String id : s.inProgress()) {
                if (listed.contains(id)) {
                    continue;
                }
                unclaimed.add(id);
                Instant since = missingClaimSince.computeIfAbsent(id, k -> now);
                if (!since.plus(settings.missingClaimGrace()).isAfter(now)) {
                    TaskRun run = s.runOf(id);
                    Claim last = new Claim(id, run.workerId(), 0, null, run.startedAt(), null, null, null);
                    stale.add(new StaleClaim(id, last, Takeover.Reason.UNCLAIMED, 0));
                }
            }
            missingClaimSince.keySet().retainAll(unclaimed);
            return stale;
        });
    }

    List<Takeover> abandon(List<StaleClaim> stale) {
        if (stale.isEmpty()) {
            return List.of();
        }
        return journalled.change(change -> {
            WorkspaceState state = change.state();
            List<Found> files = LeaseFiles.scan(claimFiles, own);
            List<Takeover> takeovers = new ArrayList<>();
            for (StaleClaim claim : stale) {
                String id = claim.taskId();
                if (claim.reason() == Takeover.Reason.UNCLAIMED) {
                    boolean listed = own.get(id).isPresent()
                            || files.stream().anyMatch(f -> f.lines().stream().anyMatch(l -> l.taskId().equals(id)));
                    if (listed) {
                        continue;
                    }
                    missingClaimSince.remove(id);
                } else {
                    boolean stillStale = files.stream().anyMatch(f -> f.line(id, claim.fence())
                            .filter(line -> runsUnder(state, line))
                            .flatMap(line -> staleReason(f, line, change.now)).isPresent());
                    if (!stillStale) {
                        continue;
                    }
                }
                if (requeue(change, id, claim.reason())) {
                    takeovers.add(new Takeover(id, claim.previousWorker(), claim.reason()));
                }
            }
            change.blockUnrunnable();
            change.afterWrite(() -> {
                for (Found f : files) {
                    if (f.state() == Found.State.DEAD && f.lines().stream().noneMatch(l -> runsUnder(state, l))) {
                        LeaseFiles.deleteIfSame(f.file(), f.fileKey());
                    }
                }
            });
            return takeovers;
        });
    }

    /** The line's task is running under the line's worker: the line is that run's lease. */
    private static boolean runsUnder(WorkspaceState s, LeaseFiles.Line line) {
        TaskRun run = s.runs().get(line.taskId());
        return run != null && run.status() == TaskStatus.IN_PROGRESS && s.contains(line.taskId())
                && Objects.equals(run.workerId(), line.workerId());
    }

    private Optional<Takeover.Reason> staleReason(Found found, LeaseFiles.Line line, Instant now) {
        return switch (found.state()) {
            case OURS -> Optional.empty();
            case DEAD -> Optional.of(Takeover.Reason.OWNER_DIED);
            case ALIVE, SAME_JVM -> isStale(line, found, now)
                    ? Optional.of(Takeover.Reason.LEASE_EXPIRED) : Optional.empty();
        };
    }

    /**
     * Stale when the heartbeat is older than the lease. A heartbeat further in the future than one lease can only
     * come from a skewed clock or a hand edit; the file's mtime (written by this machine's kernel) decides then.
     */
    boolean isStale(LeaseFiles.Line line, Found found, Instant now) {
        Instant heartbeat = line.heartbeatAt();
        if ((heartbeat == null || heartbeat.isAfter(now.plus(settings.lease()))) && found.modified() != null) {
            heartbeat = found.modified().toInstant();
        }
        return heartbeat == null || heartbeat.plus(settings.lease()).isBefore(now);
    }

    private boolean requeue(Change change, String id, Takeover.Reason reason) {
        WorkspaceState state = change.state();
        TaskRun run = state.runs().get(id);
        Optional<Task> task = state.task(id);
        if (task.isEmpty() || run == null || run.status() != TaskStatus.IN_PROGRESS) {
            return false;
        }
        change.put(id, reason.abandon(task.get(), run, change.now));
        return true;
    }
}
