package io.vivarium.api;

import io.vivarium.story.ClaimView;
import io.vivarium.story.WaitReason;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vivarium.spend.SpendStatus;
import io.vivarium.spend.SpendView;
import io.vivarium.store.Claim;
import io.vivarium.store.Snapshot;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.task.FlowRoom;
import io.vivarium.task.Money;
import io.vivarium.task.Priority;
import io.vivarium.task.Scheduling;
import io.vivarium.task.StartRule;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * The dashboard's overview, computed once per change for every client: counts, spend and pace, the workers
 * holding claims, the task that runs next and why the others wait.
 *
 * @param now the server's clock, so that a page can age heartbeats without trusting its own clock
 * @param paused whether the whole workspace is paused ({@code vivarium pause}): nothing new starts anywhere
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Overview(Instant now, Summary summary, Pace pace, Spend spend, List<Worker> workers, Next next,
                       Waiting waiting, boolean paused) {

    static final int WAITING_EXAMPLES = 8;
    static final int TOP_SPENDERS = 5;
    private static final Duration RATE_WINDOW = Duration.ofMinutes(1);
    private static final Duration SPEND_WINDOW = Duration.ofHours(1);

    /** Tasks finished in the last minute (per second) and dollars charged by attempts that ended in the last hour. */
    public record Pace(double tasksPerSecond, int finishedLastMinute, double spendLastHour) {
    }

    /**
     * Where the money goes: the total charged so far, what the running tasks may still charge at most (the sum of
     * their caps), and the tasks that cost the most; and the ledger beside it: every attempt's charge
     * ({@code spent}), the running tasks' reservations, the ceiling in effect and what is left under it (null: no
     * ceiling).
     */
    public record Spend(double total, double runningCap, List<Spender> top, double spent, double reserved,
                        Double limit, Double left) {
    }

    public record Spender(String id, double budgetUsed, double maxBudget) {
    }

    /** A worker seen through its claims; {@code threads} only for this server's own pool, which may be idle. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Worker(String workerId, String host, long pid, Integer threads, List<ClaimView> claims) {
    }

    public record Next(String id, String description, Priority priority) {
    }

    /**
     * How many tasks wait for each reason, and the first few of them in queue order. {@code paused}: held by a
     * pause of the workspace or of their queue; {@code queueLimit}: by their queue's concurrency or rate.
     */
    public record Waiting(int dependency, int backoff, int budget, int blocked, int scheduled, int paused,
                          int queueLimit, List<WaitReason> examples) {
    }

    /** {@code flow}: the store's pause and queue limits as they stand ({@code TaskStore.flow()}). */
    static Overview of(Snapshot snapshot, List<Claim> claims, Instant now, Duration lease,
                       Optional<LocalPool> local, SpendStatus ledger, FlowRoom flow) {
        Summary summary = snapshot.summary();
        return new Overview(now, summary, pace(snapshot, now), spend(snapshot, summary, ledger),
                workers(claims, now, lease, local), next(snapshot, now, ledger, flow),
                waiting(snapshot, now, ledger, flow), flow.settings().paused());
    }

    /** This server's embedded worker pool, listed even while it holds no claim. */
    record LocalPool(WorkerIdentity identity, int threads) {
    }

    private static Pace pace(Snapshot snapshot, Instant now) {
        Instant minuteAgo = now.minus(RATE_WINDOW);
        Instant hourAgo = now.minus(SPEND_WINDOW);
        int finished = 0;
        double spend = 0;
        for (TaskRun run : snapshot.runs().values()) {
            Instant ended = run.completedAt();
            if (ended == null || ended.isAfter(now)) {
                continue;
            }
            if (ended.isAfter(minuteAgo)) {
                finished++;
            }
            if (ended.isAfter(hourAgo)) {
                spend += run.budgetOrZero();
            }
        }
        return new Pace(Math.round(finished * 100.0 / RATE_WINDOW.toSeconds()) / 100.0, finished, Money.round(spend));
    }

    private static Spend spend(Snapshot snapshot, Summary summary, SpendStatus ledger) {
        double runningCap = 0;
        PriorityQueue<Spender> top = new PriorityQueue<>(
                Comparator.comparingDouble(Spender::budgetUsed));
        for (Task task : snapshot.tasks()) {
            TaskRun run = snapshot.runOf(task.id());
            if (run.status() == TaskStatus.IN_PROGRESS) {
                runningCap += task.maxBudget();
            }
            if (run.budgetOrZero() > 0) {
                top.add(new Spender(task.id(), run.budgetOrZero(), task.maxBudget()));
                if (top.size() > TOP_SPENDERS) {
                    top.poll();
                }
            }
        }
        List<Spender> most = new ArrayList<>(top);
        most.sort(Comparator.comparingDouble(Spender::budgetUsed).reversed());
        SpendView view = ledger.view();
        return new Spend(summary.budgetUsed(), Money.round(runningCap), most, view.spent(), view.reserved(),
                view.spendLimit(), view.left());
    }

    private static List<Worker> workers(List<Claim> claims, Instant now, Duration lease, Optional<LocalPool> local) {
        Map<String, List<Claim>> byWorker = new LinkedHashMap<>();
        local.ifPresent(pool -> byWorker.put(pool.identity().workerId(), new ArrayList<>()));
        claims.stream()
                .sorted(Comparator.comparing(Claim::workerId).thenComparing(Claim::taskId))
                .forEach(claim -> byWorker.computeIfAbsent(claim.workerId(), id -> new ArrayList<>()).add(claim));
        List<Worker> workers = new ArrayList<>();
        byWorker.forEach((id, held) -> {
            boolean ours = local.isPresent() && local.get().identity().workerId().equals(id);
            String host = ours ? local.get().identity().host() : held.get(0).host();
            long pid = ours ? local.get().identity().pid() : held.get(0).pid();
            workers.add(new Worker(id, host, pid, ours ? local.get().threads() : null,
                    held.stream().map(claim -> ClaimView.of(claim, now, lease)).toList()));
        });
        return workers;
    }

    private static Next next(Snapshot snapshot, Instant now, SpendStatus ledger, FlowRoom flow) {
        Optional<Task> fitting = Scheduling.runnable(snapshot.tasks(), snapshot.runs()::get,
                new StartRule.Context(now, ledger.ledger().room(ledger.processLimit()), flow)).stream().findFirst();
        if (fitting.isEmpty()) {
            return null;
        }
        Task first = fitting.get();
        return new Next(first.id(), first.description(), first.priority());
    }

    private static Waiting waiting(Snapshot snapshot, Instant now, SpendStatus ledger, FlowRoom flow) {
        int[] counts = new int[WaitReason.Kind.values().length];
        List<WaitReason> examples = new ArrayList<>();
        Function<String, TaskStatus> statusOf = Scheduling.statusOf(snapshot.tasks(), snapshot.runs()::get);
        for (Task task : snapshot.tasks()) {
            WaitReason.of(statusOf, task, snapshot.runOf(task.id()), now, ledger, flow).ifPresent(reason -> {
                counts[reason.kind().ordinal()]++;
                if (examples.size() < WAITING_EXAMPLES) {
                    examples.add(reason);
                }
            });
        }
        return new Waiting(counts[WaitReason.Kind.DEPENDENCY.ordinal()], counts[WaitReason.Kind.BACKOFF.ordinal()],
                counts[WaitReason.Kind.BUDGET.ordinal()], counts[WaitReason.Kind.BLOCKED.ordinal()],
                counts[WaitReason.Kind.SCHEDULED.ordinal()], counts[WaitReason.Kind.PAUSED.ordinal()],
                counts[WaitReason.Kind.QUEUE_LIMIT.ordinal()], examples);
    }
}
