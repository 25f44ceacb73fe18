package io.vivarium.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.spend.SpendLimit;
import io.vivarium.support.MutableClock;
import io.vivarium.task.GrindResult;
import io.vivarium.task.FlowRoom;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.Occurrences;
import io.vivarium.task.QueueLimits;
import io.vivarium.task.QueueName;
import io.vivarium.task.Rate;
import io.vivarium.task.TaskStatus;
import io.vivarium.task.Priority;
import io.vivarium.task.RetryPolicy;
import io.vivarium.task.Scheduling;
import io.vivarium.task.StartRule;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store claims exactly what {@link StartRule} allows, in the same order: thousands of random queues (every
 * status a queue can be loaded with, dependency chains and fans, backoffs and start times (run_at, a recurring
 * task's next occurrence) behind, at and ahead of now, spend limits
 * that leave room for some caps and not others, claims already holding reservations; tasks in two or three queues
 * under random flow settings: a paused workspace, paused queues, concurrency limits with tasks already running,
 * rates with starts recorded before, at and after their window), each claimed in two rounds by two workers and
 * compared with {@link Scheduling#claimable} over the store's own snapshot and ledger, and the flow room this test
 * keeps as a store must (running tasks from the snapshot, starts from the entries when the rate is set and from
 * every claim after).
 *
 * <p>A store joins by extending this with a name ending in {@code Test} and saying how to open it; the seed of a
 * failing queue is in the message, so it can be replayed with {@link #SEED}.
 */
public abstract class StartRuleAgreement {

    /** Change to replay one failing queue: its seed is printed in the failure. */
    private static final long SEED = Long.getLong("vivarium.agreement.seed", 20261204L);
    private static final Instant START = Instant.parse("2026-01-15T10:30:00Z");
    private static final Priority[] PRIORITIES = Priority.values();
    private static final List<String> QUEUE_NAMES = List.of(QueueName.DEFAULT, "api", "tests");
    private static final Rate[] RATES = {new Rate(1, Duration.ofSeconds(1)), new Rate(2, Duration.ofMinutes(1)),
            new Rate(1, Duration.ofMinutes(2)), new Rate(3, Duration.ofMinutes(2)), new Rate(2, Duration.ofHours(1))};

    protected final MutableClock clock = new MutableClock(START);
    protected final StoreSettings settings = StoreSettings.withLease(Duration.ofSeconds(30),
            new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(8)));
    private TaskStore store;

    /** A store on fresh data; the test reuses it for every queue, clearing it in between. */
    protected abstract TaskStore openStore(Clock clock, StoreSettings settings);

    /** How many random queues: a database round trip costs more than a file write. */
    protected abstract int queues();

    @BeforeEach
    void open() {
        store = openStore(clock, settings);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void eachStoreClaimsExactlyWhatTheRuleAllowsInTheSameOrder() {
        Random seeds = new Random(SEED);
        FlowSettings flow = FlowSettings.NONE;
        for (int i = 0; i < queues(); i++) {
            long seed = seeds.nextLong();
            Random random = new Random(seed);
            if (flow.isActive()) {
                store.changeFlow(f -> FlowSettings.NONE);
            }
            store.clear();
            List<String> queueNames = QUEUE_NAMES.subList(0, 2 + random.nextInt(2));
            Snapshot queue = randomQueue(random, queueNames);
            store.load(queue);
            Optional<SpendLimit> limit = random.nextInt(3) == 0 ? Optional.empty()
                    : Optional.of(SpendLimit.ofDollars(spentIn(queue) + random.nextInt(120) / 100.0));
            store.limitSpend(limit);
            // Tasks already running in the queues when their limits are set: claimed with nothing to obey.
            if (random.nextBoolean()) {
                store.commit(WorkerIdentity.create(), List.of(), 1 + random.nextInt(4));
            }
            flow = randomFlow(random, queueNames);
            FlowSettings chosen = flow;
            if (chosen.isActive()) {
                store.changeFlow(f -> chosen);
            }
            Map<String, List<Instant>> starts = recordedStarts(store.snapshot(), flow);
            // Sometimes a second on: a rate of 1/s forgets the starts just made, a backoff ending then is over.
            clock.advance(Duration.ofMillis(new long[] {0, 0, 500, 1000}[random.nextInt(4)]));
            // Two rounds: the first worker's claims hold reservations and starts the second one's must leave room for.
            claimAndCompare(seed, "first", WorkerIdentity.create(), random.nextInt(4), flow, starts);
            claimAndCompare(seed, "second", WorkerIdentity.create(), 1 + random.nextInt(8), flow, starts);
        }
    }

    private void claimAndCompare(long seed, String round, WorkerIdentity worker, int max, FlowSettings flow,
                                 Map<String, List<Instant>> starts) {
        Snapshot before = store.snapshot();
        OptionalLong room = store.spend(Optional.empty()).ledger().room(Optional.empty());
        Instant now = clock.instant();
        FlowRoom flowRoom = FlowRoom.of(flow, now, q -> runningIn(before, q),
                q -> starts.getOrDefault(q, List.of()));
        StartRule.Context context = new StartRule.Context(now, room, flowRoom);
        List<Task> expected = Scheduling.claimable(before.tasks(), before.runs()::get, context, max);
        String why = "queue seed " + seed + ", " + round + " round, max " + max + ", room " + room + ", flow "
                + WorkspaceJson.mapper().writeValueAsString(flow) + ", queue " + describe(before);
        if (flow.isActive()) {
            FlowRoom told = store.flow();
            for (String name : QUEUE_NAMES) {
                assertThat(told.check(name, now)).as("the store's flow room for " + name + ", " + why)
                        .isEqualTo(flowRoom.check(name, now));
            }
        }

        CommitResult result = store.commit(worker, List.of(), max);

        assertThat(result.claimed()).as(why).extracting(Lease::taskId)
                .containsExactlyElementsOf(expected.stream().map(Task::id).toList());
        for (Lease lease : result.claimed()) {
            starts.computeIfPresent(lease.task().queueName(), (q, list) -> {
                list.add(now);
                return list;
            });
        }
        StartRule.Context left = context;
        for (Task task : expected) {
            left = left.afterStarting(task);
        }
        assertThat(result.waitingForBudget()).as("waiting for budget, " + why)
                .isEqualTo(anyOnlyOverBudget(before, expected, left));
    }

    /** Whether a task not claimed may start but for the budget left once the claims reserved theirs. */
    private static boolean anyOnlyOverBudget(Snapshot before, List<Task> claimed, StartRule.Context left) {
        var statusOf = Scheduling.statusOf(before.tasks(), before.runs()::get);
        return before.tasks().stream()
                .filter(task -> !claimed.contains(task))
                .anyMatch(task -> StartRule.check(task, before.runs().get(task.id()), statusOf, left).reason()
                        == StartRule.Reason.BUDGET);
    }

    /**
     * Up to 16 tasks, each depending on none, one or a few earlier ones (chains and fans), each left in a state
     * reached by the intents a worker and a user use: pending, pending behind a backoff, completed, failed,
     * cancelled, blocked.
     */
    /** The queues' running tasks, as a store counts them for a concurrency limit. */
    private static int runningIn(Snapshot snapshot, String queue) {
        return (int) snapshot.tasks().stream()
                .filter(t -> t.queueName().equals(queue) && snapshot.statusOf(t.id()) == TaskStatus.IN_PROGRESS)
                .count();
    }

    /**
     * The starts each rate-limited queue counts once its rate is set: what its tasks' entries record then (each
     * store seeds its count so); the test adds each start it sees claimed from then on.
     */
    private static Map<String, List<Instant>> recordedStarts(Snapshot snapshot, FlowSettings flow) {
        Map<String, List<Instant>> starts = new HashMap<>();
        flow.queues().forEach((queue, limits) -> {
            if (limits.rate() != null) {
                List<Instant> recorded = new ArrayList<>();
                snapshot.tasks().stream().filter(t -> t.queueName().equals(queue))
                        .forEach(t -> recorded.addAll(RecordedStarts.of(snapshot.runs().get(t.id()))));
                starts.put(queue, recorded);
            }
        });
        return starts;
    }

    /**
     * Often no setting at all (the path without limits); else sometimes the whole workspace paused, and each queue
     * with no limit, a concurrency of 1 to 3, a rate (its periods end before, at and after the entries' starts a
     * minute ago), paused, or a mix.
     */
    private static FlowSettings randomFlow(Random random, List<String> queueNames) {
        if (random.nextInt(4) == 0) {
            return FlowSettings.NONE;
        }
        FlowSettings flow = FlowSettings.NONE.withPaused(random.nextInt(12) == 0);
        for (String name : queueNames) {
            if (random.nextInt(3) == 0) {
                continue;
            }
            Integer concurrency = random.nextBoolean() ? 1 + random.nextInt(3) : null;
            Rate rate = random.nextInt(3) == 0 ? null : RATES[random.nextInt(RATES.length)];
            flow = flow.withQueue(name, new QueueLimits(concurrency, rate, random.nextInt(10) == 0));
        }
        return flow;
    }

    private Snapshot randomQueue(Random random, List<String> queueNames) {
        int size = 1 + random.nextInt(16);
        List<Task> tasks = new ArrayList<>();
        Map<String, TaskRun> runs = new LinkedHashMap<>();
        Instant now = clock.instant();
        for (int i = 0; i < size; i++) {
            String id = "t" + i;
            List<String> deps = new ArrayList<>();
            int wanted = i == 0 ? 0 : random.nextInt(Math.min(i, 3) + 1);
            for (int d = 0; d < wanted; d++) {
                // Mostly the one just before (chains), sometimes any earlier one (fans and diamonds).
                int on = random.nextBoolean() ? i - 1 : random.nextInt(i);
                if (!deps.contains("t" + on)) {
                    deps.add("t" + on);
                }
            }
            double max = (5 + random.nextInt(46)) / 100.0;
            // Some start at a time behind, at or ahead of now; some recur every minute.
            Instant runAt = random.nextInt(4) == 0 ? now.plusSeconds(new long[] {-5, 0, 1, 40}[random.nextInt(4)]) : null;
            String queue = queueNames.get(random.nextInt(queueNames.size()));
            Task task = Task.grind(id).priority(PRIORITIES[random.nextInt(PRIORITIES.length)]).dependsOn(deps)
                    .minBudget(0.05).maxBudget(max).command("true").runAt(runAt)
                    .every(random.nextInt(6) == 0 ? "1m" : null)
                    // The default queue is often left unnamed, as most tasks leave it.
                    .queue(queue.equals(QueueName.DEFAULT) && random.nextBoolean() ? null : queue).build();
            tasks.add(task);
            TaskRun run = randomRun(random, task, now);
            if (run != null) {
                runs.put(id, run);
            }
        }
        return new Snapshot(tasks, runs);
    }

    private static TaskRun randomRun(Random random, Task task, Instant now) {
        String id = task.id();
        GrindResult cost = GrindResult.failure(random.nextInt(10) / 100.0, "exit code 1", 1, "boom");
        TaskRun claimed = TaskRun.pending().claim(id, "w-old", now.minusSeconds(60));
        return switch (random.nextInt(9)) {
            case 0, 1 -> null;
            case 2 -> TaskRun.pending();
            // A backoff that ended, ends right now, or is still ahead.
            case 3 -> claimed.fail(id, now.minusSeconds(30), cost,
                    now.plusSeconds(new long[] {-5, 0, 1, 40}[random.nextInt(4)]));
            // A recurring task's run ends its occurrence: pending again for the next, a minute on.
            case 4, 5 -> Occurrences.attemptEnded(task, claimed, now.minusSeconds(30),
                    GrindResult.success(random.nextInt(10) / 100.0, "done", 0, "ok"), RetryPolicy.DEFAULT);
            case 6 -> claimed.fail(id, now.minusSeconds(30), cost, null);
            case 7 -> TaskRun.pending().cancel(id, now.minusSeconds(30), 0.10);
            default -> TaskRun.pending().block(id, now.minusSeconds(30), "dependency failed");
        };
    }

    private static double spentIn(Snapshot queue) {
        return queue.runs().values().stream().mapToDouble(TaskRun::spentOrZero).sum();
    }

    private static String describe(Snapshot snapshot) {
        StringBuilder out = new StringBuilder();
        for (Task task : snapshot.tasks()) {
            TaskRun run = snapshot.runOf(task.id());
            out.append(task.id()).append('[').append(task.queueName()).append(' ').append(task.priority()).append(' ')
                    .append(run.status())
                    .append(" $").append(task.maxBudget());
            if (!task.dependsOn().isEmpty()) {
                out.append(" after ").append(task.dependsOn());
            }
            if (Occurrences.dueAt(task, run) != null) {
                out.append(" due ").append(Occurrences.dueAt(task, run));
            }
            if (run.backoffUntil() != null) {
                out.append(" backoff ").append(run.backoffUntil());
            }
            out.append("] ");
        }
        return out.toString();
    }
}
