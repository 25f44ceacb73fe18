package io.vivarium.store;

import io.vivarium.spend.SpendLedger;
import io.vivarium.spend.SpendLimit;
import io.vivarium.spend.SpendStatus;
import io.vivarium.task.FlowRoom;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.StartRule;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import io.vivarium.task.CodeRun;
import io.vivarium.task.TaskKeys;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Where tasks and their states live: a workspace of plain files, or a PostgreSQL database shared by many machines.
 * Every method is safe to call from any number of threads and processes at once. The store records and fences; it
 * never acts on the operating system: ending a grind belongs to the workers on the grind's host.
 */
public interface TaskStore extends AutoCloseable {

    // --- reading ---

    /** The counts over the whole queue, without reading every task where the store can avoid it. */
    Summary summary();

    /**
     * False only when the store knows, without reading every task, that no pending task has a time it waits for
     * ({@code run_at}, a recurrence's next occurrence); then {@code status} need not read the queue to say so.
     */
    default boolean mayWaitForTime() {
        return true;
    }

    /** One task and its run state. */
    Optional<TaskEntry> find(String id);

    /** Tasks filtered and paged by the store, in queue order. */
    TaskPage query(TaskQuery query);

    /** The whole queue and every run state at one moment: for exports, dry runs and dependency views. */
    Snapshot snapshot();

    /** Claims held right now, live or stale. */
    List<Claim> claims();

    // --- waiting for change ---

    /** A number that differs after every committed change of the queue or of any task's state. */
    long version();

    /**
     * Blocks until the version differs from {@code seen} or {@code timeout} passes, and returns the version then.
     * Cheap enough to call in a loop: a file store polls its files, a database waits for a notification.
     */
    long awaitChange(long seen, Duration timeout) throws InterruptedException;

    // --- definitions ---

    /**
     * Appends tasks to the queue, all or none: a duplicate or unknown dependency rejects the whole batch. A task
     * whose {@code key} a pending or running task holds is not added ({@link #addDeduplicated}).
     */
    void add(List<Task> tasks);

    /**
     * {@link #add}, answering for each task asked for (in order) the id of the task that stands for it: its own
     * when it was added, else that of the unfinished task holding its key. Decided in the same atomic write as
     * the add, so of any number of racing adds with one key exactly one adds a task.
     */
    List<TaskKeys.Answer> addDeduplicated(List<Task> tasks);

    /**
     * Removes finished tasks in {@code statuses} that ended before {@code endedBefore} (null: any time), definitions
     * and entries, except those a task staying in the queue depends on ({@link io.vivarium.task.Pruning}). What they
     * spent stays in the ledger. Returns the ids removed, in queue order.
     */
    List<String> prune(Set<TaskStatus> statuses, Instant endedBefore);

    /** Empties the queue and the run states and ends every claim; the spent figure starts again from 0, the limit stays. */
    ClearResult clear();

    /**
     * Fills an empty store with these tasks and run states as they are, history included: how a queue moves from
     * one store to another ({@code export}, {@code import}). Refuses a store that holds any task, and a snapshot
     * with a task in progress (its claim cannot move with it).
     */
    void load(Snapshot snapshot);

    // --- worker lifecycle ---

    /**
     * One atomic write for a worker pool: records its finished grinds (a finish whose claim was lost records
     * nothing), blocks tasks that can never run, then claims up to {@code maxClaims} runnable tasks, in priority
     * and then queue order. Under a spend ceiling (the store's limit, or this store instance's
     * {@link StoreSettings#spendLimit()}, whichever is smaller) it claims only the tasks that fit, reserving each
     * one's {@code max_budget} in the same write, and each finish settles its reservation to what the grind cost.
     */
    CommitResult commit(WorkerIdentity worker, List<Finish> finished, int maxClaims);

    /** Renews the heartbeats of these claims; returns the leases whose claim was lost (taken over, cancelled, removed). */
    List<Lease> renew(List<Lease> leases);

    /**
     * Keeps the grind's process in the claim, so that a worker on the same host that takes the claim over can end
     * it. The store only keeps it. False when the claim was lost.
     */
    boolean recordGrind(Lease lease, long pid, Instant startedAt);

    // --- recovery ---

    /** Claims whose owner died or stopped renewing within the lease, and running tasks that no claim holds. */
    List<StaleClaim> findStaleClaims();

    /**
     * Ends these claims, if each is still the claim that was found (fenced), and puts their tasks back to pending
     * (or failed, when no attempt is left). Callers end the old grinds first, where they can.
     */
    List<Takeover> abandon(List<StaleClaim> stale);

    // --- spend ---

    /**
     * The store's spend ledger (its limit, what was spent, what running claims reserve, the spend by day) as a
     * process with {@code processLimit} of its own sees it, with the number of tasks that could run now but for the
     * budget. A commit of that process claims only tasks that fit under the smaller of the two limits.
     */
    SpendStatus spend(Optional<SpendLimit> processLimit);

    /**
     * Keeps {@code limit} in the store, for every process that shares it (empty removes it); what was spent stays.
     * Returns the ledger as it is after the write.
     */
    SpendLedger limitSpend(Optional<SpendLimit> limit);

    // --- flow control ---

    /**
     * The workspace's pause and its queues' limits as every process sharing the store obeys them, with what they
     * leave room for now (each limited queue's running tasks and recent starts): what {@link StartRule} reads.
     */
    FlowRoom flow();

    /**
     * {@code flow().settings()}, where a store can read them without what they leave room for: {@code status} of a
     * large workspace says whether it is paused without reading the queue.
     */
    default FlowSettings flowSettings() {
        return flow().settings();
    }

    /**
     * Changes the pause or the queues' limits in one atomic write: {@code change} is applied to the settings as
     * they stand in the store, and what it returns is kept (and returned). A claim made after it obeys it.
     */
    FlowSettings changeFlow(UnaryOperator<FlowSettings> change);

    /** Every queue that holds a task or has limits, with its tasks by state ({@link QueueStatus#of}). */
    default List<QueueStatus> queues() {
        return QueueStatus.of(snapshot(), flow().settings());
    }

    // --- user intents ---

    /** Puts the tasks back to pending with fresh attempts, and unblocks what they were blocking. */
    List<String> retry(Collection<String> ids);

    /** {@link #retry} for every failed task. */
    List<String> retryFailed();

    /**
     * Records a reviewer's verdict on a code grind's change (see {@link TaskRun#reviewed}); returns the new entry.
     */
    TaskRun review(String id, CodeRun.Review verdict, String feedback);

    /** Cancels a task and ends its claim; the caller ends the claim's grind where it can. */
    Cancellation cancel(String id);

    /** Releases what the store holds open (connections, watchers); the data stays. */
    @Override
    void close();

    /** {@code movedAside}: documents that could not be read, renamed to {@code NAME.corrupt-<timestamp>} beside them. */
    record ClearResult(int tasksRemoved, int claimsRemoved, List<String> movedAside) {
        public ClearResult {
            movedAside = movedAside == null ? List.of() : List.copyOf(movedAside);
        }

        public ClearResult(int tasksRemoved, int claimsRemoved) {
            this(tasksRemoved, claimsRemoved, List.of());
        }
    }

    /** A cancelled task, and the claim that the cancel ended, if the task was running. */
    record Cancellation(TaskRun run, Optional<Claim> endedClaim) {
    }
}
