package io.vivarium.store.file;

import io.vivarium.spend.SpendLimit;
import io.vivarium.store.Claim;
import io.vivarium.store.CommitResult;
import io.vivarium.store.Finish;
import io.vivarium.store.Lease;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.store.file.LeaseFiles.Found;
import io.vivarium.store.file.LeaseFiles.Own;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.StartRule;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The worker's side: one commit finishes what a worker ran and claims what it may run next, in one journal record;
 * leases are renewed and a grind's process recorded in this process's lease file.
 */
final class Claiming {

    /** A commit whose next timed task is due sooner than this leaves the files to the background checkpoint. */
    private static final Duration BUSY_UNTIL_DUE = Duration.ofSeconds(1);

    private final WorkspaceLock lock;
    private final JournalledState journalled;
    private final ClaimFiles claimFiles;
    private final Own own;
    private final Recovery recovery;
    private final Clock clock;
    private final StoreSettings settings;

    Claiming(JournalledState journalled, ClaimFiles claimFiles, Own own, Recovery recovery, Clock clock,
             StoreSettings settings) {
        this.lock = journalled.lock();
        this.journalled = journalled;
        this.claimFiles = claimFiles;
        this.own = own;
        this.recovery = recovery;
        this.clock = clock;
        this.settings = settings;
    }

    CommitResult commit(WorkerIdentity worker, List<Finish> finished, int maxClaims) {
        return journalled.change(change -> {
            WorkspaceState state = change.state();
            if (!own.intact()) {
                own.dropAll();
            }
            List<Lease> lost = new ArrayList<>();
            Set<String> finishedHere = new HashSet<>();
            for (Finish finish : finished) {
                Lease lease = finish.lease();
                String id = lease.taskId();
                boolean held = own.get(id).filter(h -> h.fence == lease.fence()).isPresent();
                TaskRun run = state.runs().get(id);
                Optional<Task> task = state.task(id);
                if (held) {
                    own.remove(id);
                    change.leasesChanged = true;
                }
                if (!held || task.isEmpty() || run == null || run.status() != TaskStatus.IN_PROGRESS
                        || !Objects.equals(run.workerId(), worker.workerId())) {
                    lost.add(lease);
                    continue;
                }
                change.put(id, afterFinish(task.get(), run, finish, change.now));
                finishedHere.add(id);
            }
            change.blockUnrunnable();
            List<Lease> claimed = new ArrayList<>();
            boolean more = false;
            boolean waitingForBudget = false;
            // The first moment a queue's rate lets a task it held back start: the pool wakes then.
            Instant rateFrees = null;
            Optional<SpendLimit> ceiling = state.spend().ceiling(settings.spendLimit());
            FlowSettings flow = state.flow();
            // A task finished in this commit waits for the next one, like one there was no room for.
            List<Task> candidates;
            Set<String> leased = Set.of();
            if (flow.paused()) {
                // Nothing new starts; the finishes above are recorded all the same.
                candidates = List.of();
            } else if (ceiling.isEmpty() && !flow.isActive()) {
                WorkspaceState.Claimable runnable = state.runnable(change.now, maxClaims, finishedHere);
                candidates = runnable.tasks();
                more = runnable.more();
                Set<String> skip = candidates.isEmpty() ? Set.of() : leasedElsewhere(change.now);
                leased = skip;
                if (candidates.stream().anyMatch(t -> skip.contains(t.id()))) {
                    // Taken past the leased ones, so that a task a lease holds never hides one behind it.
                    runnable = state.runnable(change.now, maxClaims + skip.size(), finishedHere);
                    List<Task> free = runnable.tasks().stream().filter(t -> !skip.contains(t.id())).toList();
                    candidates = free.subList(0, Math.min(maxClaims, free.size()));
                    more = free.size() > maxClaims || runnable.more();
                }
            } else {
                // Under a ceiling or a queue's limits every runnable task is looked at: one that does not fit must not
                // hide one behind it that does. Each claim counts at once, so the next task meets the room left.
                candidates = state.readyInOrder(change.now);
                leased = candidates.isEmpty() ? Set.of() : leasedElsewhere(change.now);
            }
            Set<String> notFree = leased;
            candidates = candidates.stream().filter(t -> !notFree.contains(t.id())).toList();
            for (Task task : candidates) {
                if (finishedHere.contains(task.id())) {
                    more = true;
                    continue;
                }
                // The indexes found it; the rule has the last word (and the only word on budget).
                StartRule.Verdict verdict = state.check(task, change.now, settings.spendLimit());
                if (verdict.reason() == StartRule.Reason.BUDGET) {
                    waitingForBudget = true;
                    continue;
                }
                if (verdict.reason() == StartRule.Reason.QUEUE_LIMIT && verdict.until() != null
                        && (rateFrees == null || verdict.until().isBefore(rateFrees))) {
                    rateFrees = verdict.until();
                }
                if (!verdict.mayStart()) {
                    continue;
                }
                if (claimed.size() >= maxClaims) {
                    more = true;
                    continue;
                }
                TaskRun run = state.runOf(task.id()).claim(task.id(), worker.workerId(), change.now);
                change.put(task.id(), run);
                long fence = own.add(Claim.of(task.id(), worker, change.now));
                change.leasesChanged = true;
                claimed.add(new Lease(task, run.attempts(), worker, fence));
            }
            boolean runnableLeft = more;
            boolean budgetWait = waitingForBudget;
            change.ifWriteFails(() -> claimed.forEach(lease -> own.remove(lease.taskId())));
            Optional<Instant> timelineEnd = state.nextBackoffEnd(change.now);
            Instant rateEnd = rateFrees;
            Optional<Instant> backoffEnd = rateEnd == null ? timelineEnd
                    : Optional.of(timelineEnd.filter(end -> end.isBefore(rateEnd)).orElse(rateEnd));
            // A busy pool leaves the files to the background checkpoint; one going idle makes them exact. A pool whose
            // next task falls due within the second is not idle: writing every file would make that task late.
            change.checkpointAfter = claimed.isEmpty() && !runnableLeft
                    && backoffEnd.map(end -> end.isAfter(change.now.plus(BUSY_UNTIL_DUE))).orElse(true);
            // A task a rate holds back is due, like a retry: a batch waits for it.
            boolean retriesWaiting = state.retriesWaiting(change.now) || rateEnd != null;
            // Read once the change has landed: the version it leaves behind, so that any later write shows as news.
            return (Supplier<CommitResult>) () ->
                    new CommitResult(claimed, lost, runnableLeft, backoffEnd, change.version, budgetWait,
                            retriesWaiting);
        }).get();
    }

    /**
     * Tasks a live lease lists, whatever the documents and the journal say of them: claims are facts of the lease
     * files. A line past its lease is left out (its owner hangs, and a takeover ends its grind), as are this store's
     * own leases, which the state already shows as running.
     */
    private Set<String> leasedElsewhere(Instant now) {
        Set<String> leased = new HashSet<>(own.taskIds());
        for (Found found : LeaseFiles.scan(claimFiles, own)) {
            if (found.state() == Found.State.ALIVE || found.state() == Found.State.SAME_JVM) {
                for (LeaseFiles.Line line : found.lines()) {
                    if (!recovery.isStale(line, found, now)) {
                        leased.add(line.taskId());
                    }
                }
            }
        }
        return leased;
    }

    List<Lease> renew(List<Lease> leases) {
        return lock.callExclusive(() -> {
            WorkspaceState s = journalled.current();
            Instant now = clock.instant();
            List<Lease> lost = new ArrayList<>();
            if (!own.intact()) {
                own.dropAll();
            }
            for (Lease lease : leases) {
                Optional<Own.Held> held = own.get(lease.taskId()).filter(h -> h.fence == lease.fence());
                if (held.isEmpty() || !stillRuns(s, lease)) {
                    // Its line stays in the lease file until the grind has stopped and its finish is committed: until
                    // then the task is this process's, and no one else claims it (a retry or an edit may have made it
                    // pending already).
                    lost.add(lease);
                    continue;
                }
                own.update(lease.taskId(), held.get().claim.renewedAt(now));
            }
            own.write();
            return lost;
        });
    }

    boolean recordGrind(Lease lease, long pid, Instant startedAt) {
        return lock.callExclusive(() -> {
            WorkspaceState s = journalled.current();
            Optional<Own.Held> held = own.get(lease.taskId()).filter(h -> h.fence == lease.fence());
            if (held.isEmpty() || !own.intact() || !stillRuns(s, lease)) {
                return false;
            }
            own.update(lease.taskId(), held.get().claim.withGrind(pid, startedAt));
            own.write();
            return true;
        });
    }

    private static boolean stillRuns(WorkspaceState s, Lease lease) {
        TaskRun run = s.runs().get(lease.taskId());
        return run != null && run.status() == TaskStatus.IN_PROGRESS
                && Objects.equals(run.workerId(), lease.worker().workerId());
    }

    private TaskRun afterFinish(Task task, TaskRun run, Finish finish, Instant now) {
        return finish.applyTo(task, run, now, settings.retry());
    }
}
