package io.vivarium.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.spend.SpendLimit;
import io.vivarium.support.MutableClock;
import io.vivarium.task.GrindResult;
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
 * status a queue can be loaded with, dependency chains and fans, backoffs behind, at and ahead of now, spend limits
 * that leave room for some caps and not others, claims already holding reservations), each claimed in two rounds by
 * two workers and compared with {@link Scheduling#claimable} over the store's own snapshot and ledger.
 *
 * <p>A store joins by extending this with a name ending in {@code Test} and saying how to open it; the seed of a
 * failing queue is in the message, so it can be replayed with {@link #SEED}.
 */
public abstract class StartRuleAgreement {

    /** Change to replay one failing queue: its seed is printed in the failure. */
    private static final long SEED = Long.getLong("vivarium.agreement.seed", 20261204L);
    private static final Instant START = Instant.parse("2026-01-15T10:30:00Z");
    private static final Priority[] PRIORITIES = Priority.values();

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
        for (int i = 0; i < queues(); i++) {
            long seed = seeds.nextLong();
            Random random = new Random(seed);
            store.clear();
            Snapshot queue = randomQueue(random);
            store.load(queue);
            Optional<SpendLimit> limit = random.nextInt(3) == 0 ? Optional.empty()
                    : Optional.of(SpendLimit.ofDollars(spentIn(queue) + random.nextInt(120) / 100.0));
            store.limitSpend(limit);
            // Two rounds: the first worker's claims hold reservations the second one's must leave room for.
            claimAndCompare(seed, "first", WorkerIdentity.create(), random.nextInt(4));
            claimAndCompare(seed, "second", WorkerIdentity.create(), 1 + random.nextInt(8));
        }
    }

    private void claimAndCompare(long seed, String round, WorkerIdentity worker, int max) {
        Snapshot before = store.snapshot();
        OptionalLong room = store.spend(Optional.empty()).ledger().room(Optional.empty());
        StartRule.Context context = new StartRule.Context(clock.instant(), room);
        List<Task> expected = Scheduling.claimable(before.tasks(), before.runs()::get, context, max);

        CommitResult result = store.commit(worker, List.of(), max);

        String why = "queue seed " + seed + ", " + round + " round, max " + max + ", room " + room + ", queue "
                + describe(before);
        assertThat(result.claimed()).as(why).extracting(Lease::taskId)
                .containsExactlyElementsOf(expected.stream().map(Task::id).toList());
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
    private Snapshot randomQueue(Random random) {
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
            Task task = Task.grind(id).priority(PRIORITIES[random.nextInt(PRIORITIES.length)]).dependsOn(deps)
                    .minBudget(0.05).maxBudget(max).command("true").build();
            tasks.add(task);
            TaskRun run = randomRun(random, id, now);
            if (run != null) {
                runs.put(id, run);
            }
        }
        return new Snapshot(tasks, runs);
    }

    private static TaskRun randomRun(Random random, String id, Instant now) {
        GrindResult cost = GrindResult.failure(random.nextInt(10) / 100.0, "exit code 1", 1, "boom");
        TaskRun claimed = TaskRun.pending().claim(id, "w-old", now.minusSeconds(60));
        return switch (random.nextInt(9)) {
            case 0, 1 -> null;
            case 2 -> TaskRun.pending();
            // A backoff that ended, ends right now, or is still ahead.
            case 3 -> claimed.fail(id, now.minusSeconds(30), cost,
                    now.plusSeconds(new long[] {-5, 0, 1, 40}[random.nextInt(4)]));
            case 4, 5 -> claimed.complete(id, now.minusSeconds(30),
                    GrindResult.success(random.nextInt(10) / 100.0, "done", 0, "ok"));
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
            out.append(task.id()).append('[').append(task.priority()).append(' ').append(run.status())
                    .append(" $").append(task.maxBudget());
            if (!task.dependsOn().isEmpty()) {
                out.append(" after ").append(task.dependsOn());
            }
            if (run.backoffUntil() != null) {
                out.append(" backoff ").append(run.backoffUntil());
            }
            out.append("] ");
        }
        return out.toString();
    }
}
