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
                own.revokeAll();
                change.leasesChanged = true;
            }
            List<Lease> lost = new ArrayList<>();
            Set<String> finishedHere = new HashSet<>();
            for (Finish finish : finished) {
                Lease lease = finish.lease();
                String id = lease.taskId();
                boolean listed = own.get(id).filter(h -> h.fence == lease.fence()).isPresent();
                boolean held = own.holds(id, lease.fence());
                TaskRun run = state.runs().get(id);
                Optional<Task> task = state.task(id);
                if (listed) {
                    // Its grind has stopped: the line goes, whether the claim still held or was lost.
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
            List<Task> overBudget = new ArrayList<>();
            // The first moment a queue's rate lets a task it held back start: the pool wakes then.
            Instant rateFrees = null;
            Optional<SpendLimit> ceiling = state.spend().ceiling(settings.spendLimit());
            FlowSettings flow = state.flow();
            // A task finished in this commit waits for the next one, like one there was no room for.
            Iterable<Task> candidates;
            Set<String> leased = Set.of();
            // Whether a task that is due now waits for a resume: a batch waits for it, as for a retry.
            boolean heldByPause = false;
            if (flow.paused()) {
                // Nothing new starts; the finishes above are recorded all the same.
                candidates = List.of();
                heldByPause = !state.queuesWithReady(change.now).isEmpty();
            } else if (ceiling.isEmpty() && !flow.isActive()) {
                WorkspaceState.Claimable runnable = state.runnable(change.now, maxClaims, finishedHere);
                List<Task> fast = runnable.tasks();
                more = runnable.more();
                Set<String> skip = fast.isEmpty() ? Set.of() : leasedElsewhere(change.now);
                leased = skip;
                if (fast.stream().anyMatch(t -> skip.contains(t.id()))) {
                    // Taken past the leased ones, so that a task a lease holds never hides one behind it.
                    runnable = state.runnable(change.now, maxClaims + skip.size(), finishedHere);
                    List<Task> free = runnable.tasks().stream().filter(t -> !skip.contains(t.id())).toList();
                    fast = free.subList(0, Math.min(maxClaims, free.size()));
                    more = free.size() > maxClaims || runnable.more();
                }
                candidates = fast;
            } else {
                // Under a ceiling or a queue's limits every runnable task may be looked at: one that does not fit must
                // not hide one behind it that does. Each claim counts at once, so the next task meets the room left.
                leased = !state.queuesWithReady(change.now).isEmpty() ? leasedElsewhere(change.now) : Set.of();
                candidates = readyInWindows(state, change.now, maxClaims + leased.size() + 8);
            }
            Set<String> notFree = leased;
            Set<String> heldQueues = new HashSet<>();
            for (Task task : candidates) {
                if (notFree.contains(task.id())) {
                    continue;
                }
                if (finishedHere.contains(task.id())) {
                    more = true;
                    continue;
                }
                if (heldQueues.contains(task.queueName())) {
                    // Paused or at a limit: within one commit its later tasks are held the same way.
                    continue;
                }
                // The indexes found it; the rule has the last word (and the only word on budget).
                StartRule.Verdict verdict = state.check(task, change.now, settings.spendLimit(), notFree);
                boolean queueHeld = verdict.reason() == StartRule.Reason.PAUSED
                        || verdict.reason() == StartRule.Reason.QUEUE_LIMIT;
                if (queueHeld) {
                    heldQueues.add(task.queueName());
                }
                if (verdict.reason() == StartRule.Reason.BUDGET) {
                    overBudget.add(task);
                    continue;
                }
                heldByPause |= verdict.reason() == StartRule.Reason.PAUSED;
                if (verdict.reason() == StartRule.Reason.QUEUE_LIMIT && verdict.until() != null
                        && (rateFrees == null || verdict.until().isBefore(rateFrees))) {
                    rateFrees = verdict.until();
                }
                if (!verdict.mayStart()) {
                    if (queueHeld && heldQueues.containsAll(state.queuesWithReady(change.now))) {
                        // Every queue with a ready task is held: nothing behind this one could start now.
                        break;
                    }
                    continue;
                }
                if (claimed.size() >= maxClaims) {
                    more = true;
                    if (ceiling.isEmpty()) {
                        // One more could start: the pool comes back at once, so the rest need not be asked now (under
                        // a limit on any queue, asking every ready task at every commit ran 100,000 tasks 5x slower).
                        // Under a ceiling they are: the commit says whether any of them waits for budget.
                        break;
                    }
                    continue;
                }
                TaskRun run = state.runOf(task.id()).claim(task.id(), worker.workerId(), change.now);
                change.put(task.id(), run);
                long fence = own.add(Claim.of(task.id(), worker, change.now));
                change.leasesChanged = true;
                claimed.add(new Lease(task, run.attempts(), worker, fence));
            }
            boolean runnableLeft = more;
            // Asked again once every claim counted: a task a queue's limit now holds back waits for the queue first.
            for (Task task : overBudget) {
                StartRule.Reason now = state.check(task, change.now, settings.spendLimit(), notFree).reason();
                if (now == StartRule.Reason.BUDGET) {
                    waitingForBudget = true;
                    break;
                }
            }
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
            // A task a rate or a pause holds back is due, like a retry: a batch waits for it (and not only while no
            // task waits for a later time).
            boolean retriesWaiting = state.retriesWaiting(change.now) || rateEnd != null || heldByPause;
            // Read once the change has landed: the version it leaves behind, so that any later write shows as news.
            return (Supplier<CommitResult>) () ->
                    new CommitResult(claimed, lost, runnableLeft, backoffEnd, change.version, budgetWait,
                            retriesWaiting);
        }).get();
    }

    /**
     * The tasks ready at {@code now} in claim order, read from the state in windows that grow fourfold, so that a
     * commit that fills up early (it stops there) never copies the whole queue. Each window is a copy, taken after
     * the last task read: claims change the state between windows.
     */
    private static Iterable<Task> readyInWindows(WorkspaceState state, Instant now, int first) {
        return () -> new java.util.Iterator<>() {
            private java.util.Iterator<Task> window = java.util.Collections.emptyIterator();
            private String after;
            private int size = first;
            private boolean more = true;

            @Override
            public boolean hasNext() {
                if (!window.hasNext() && more) {
                    List<Task> next = state.readyAfter(now, after, size);
                    window = next.iterator();
                    more = next.size() == size;
                    size = size > Integer.MAX_VALUE / 4 ? Integer.MAX_VALUE : size * 4;
                }
                return window.hasNext();
            }

            @Override
            public Task next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                Task task = window.next();
                after = task.id();
                return task;
            }
        };
    }

    /**
     * Tasks a live lease lists, whatever the documents and the journal say of them: claims are facts of the lease
     * files. A line past its lease is left out (its owner hangs, and a takeover ends its grind), as are this store's
     * own leases, which the state already shows as running.
     */
    private Set<String> leasedElsewhere(Instant now) {
        Set<String> leased = new HashSet<>(own.taskIds());
        // And tasks whose running owner an edit by hand may not have reached yet (its lease file removed, say).
        leased.addAll(journalled.endedByEditSince(now.minus(settings.missingClaimGrace())));
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
                own.revokeAll();
            }
            for (Lease lease : leases) {
                Optional<Own.Held> held = own.get(lease.taskId()).filter(h -> h.fence == lease.fence());
                if (held.isEmpty() || own.isRevoked(lease.taskId()) || !stillRuns(s, lease)) {
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
            if (held.isEmpty() || !own.intact() || own.isRevoked(lease.taskId()) || !stillRuns(s, lease)) {
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
