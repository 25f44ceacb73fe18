package io.vivarium.cli;

import io.vivarium.spend.SpendLedger;
import io.vivarium.spend.SpendLimit;
import io.vivarium.spend.SpendStatus;
import io.vivarium.store.Claim;
import io.vivarium.store.TaskEntry;
import io.vivarium.store.TaskPage;
import io.vivarium.store.TaskQuery;
import io.vivarium.store.TaskStore;
import io.vivarium.task.Budget;
import io.vivarium.task.Summary;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import io.vivarium.task.FlowSettings;
import java.util.Locale;
import java.util.Optional;

/**
 * The human layout of {@code status}: totals with percentages, the spend, then failed and blocked tasks (the first
 * {@value #LISTED} of each), then claims. Read through the store's queries, so a large queue is not read whole.
 */
record StatusReport(Summary summary, SpendStatus spend, TaskPage failed, TaskPage blocked, List<Claim> claims,
                    Duration lease, Clock clock, FlowSettings flow) {

    private static final int MAX_ERROR_LENGTH = 160;
    static final int LISTED = 50;

    static StatusReport of(TaskStore store, Optional<SpendLimit> processLimit, Duration lease, Clock clock) {
        Summary summary = store.summary();
        return new StatusReport(summary, store.spend(processLimit), listed(store, summary, TaskStatus.FAILED),
                listed(store, summary, TaskStatus.BLOCKED), store.claims(), lease, clock, store.flowSettings());
    }

    /** Asked of the store only when the summary counts some: a store may answer a summary without reading tasks. */
    private static TaskPage listed(TaskStore store, Summary summary, TaskStatus status) {
        return summary.count(status) == 0 ? new TaskPage(List.of(), 0)
                : store.query(TaskQuery.inState(status).page(0, LISTED));
    }

    void print(PrintWriter out, String workspace) {
        Summary s = summary;
        out.printf("Vivarium status: %s%n", workspace);
        out.printf("  Total tasks:  %5d%n", s.totalTasks());
        for (TaskStatus status : List.of(TaskStatus.COMPLETED, TaskStatus.IN_PROGRESS, TaskStatus.PENDING,
                TaskStatus.FAILED, TaskStatus.BLOCKED, TaskStatus.CANCELLED)) {
            int n = s.count(status);
            double percent = s.totalTasks() == 0 ? 0 : 100.0 * n / s.totalTasks();
            out.printf(Locale.ROOT, "  %-13s %5d  (%5.1f%%)%n", label(status) + ":", n, percent);
        }
        out.printf("  Budget used:  $%s%n", Budget.format(s.budgetUsed()));
        out.println();
        out.println(spendLine(spend));
        printPauses(out);
        printTasks(out, failed, "Failed tasks", true);
        printTasks(out, blocked, "Blocked tasks", false);
        printClaims(out);
    }

    private static void printTasks(PrintWriter out, TaskPage page, String heading, boolean evenIfNone) {
        if (page.total() == 0 && !evenIfNone) {
            return;
        }
        out.println();
        out.println(heading + ":" + (page.total() == 0 ? " none" : ""));
        for (TaskEntry entry : page.items()) {
            TaskRun run = entry.run();
            out.printf("  %s  (attempts %d/%d)  %s%n", entry.id(), run.attempts(), entry.task().maxAttempts(),
                    oneLine(run.error() == null ? "no error recorded" : run.error()));
        }
        if (page.total() > page.items().size()) {
            out.printf("  … and %d more (GET /tasks?status=…)%n", page.total() - page.items().size());
        }
    }

    /** A pause outlives the command that set it: the first place a user looks when nothing runs says so. */
    private void printPauses(PrintWriter out) {
        if (flow.paused()) {
            out.println("The workspace is paused: nothing new starts until 'vivarium resume'");
        }
        List<String> pausedQueues = flow.queues().entrySet().stream().filter(e -> e.getValue().paused())
                .map(java.util.Map.Entry::getKey).toList();
        if (!pausedQueues.isEmpty()) {
            out.println("Paused queues: " + String.join(", ", pausedQueues) + " (vivarium queue resume NAME)");
        }
    }

    private void printClaims(PrintWriter out) {
        out.println();
        out.println("Active claims:" + (claims.isEmpty() ? " none" : ""));
        Instant now = clock.instant();
        for (Claim claim : claims) {
            String age = claim.heartbeatAt() == null ? "never"
                    : humanDuration(Duration.between(claim.heartbeatAt(), now)) + " ago";
            out.printf("  %s  %s  pid %d on %s  heartbeat %s%s%n", claim.taskId(), claim.workerId(), claim.pid(),
                    claim.host(), age, claim.isStaleAt(now, lease) ? "  (STALE: lease expired)" : "");
        }
    }

    /** {@code Spend: $3.42 of $5.00 limit; $0.30 reserved; 12 tasks wait for budget}. */
    static String spendLine(SpendStatus spend) {
        SpendLedger ledger = spend.ledger();
        String limit = spend.ceiling().map(c -> " of $" + c.plain() + " limit" + (ledger.limit().equals(spend.ceiling())
                ? "" : " (this process's --spend-limit)")).orElse(" (no limit)");
        long waiting = spend.waitingForBudget();
        return "Spend: $" + Budget.format(ledger.spent()) + limit + "; $" + Budget.format(ledger.reserved())
                + " reserved; " + (waiting == 0 ? "no task waits" : waiting + (waiting == 1 ? " task waits" : " tasks wait"))
                + " for budget";
    }

    private static String label(TaskStatus status) {
        String name = status.wireName().replace('_', ' ');
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static String oneLine(String text) {
        String line = text.strip().replaceAll("\\s*\\R\\s*", " | ");
        return line.length() > MAX_ERROR_LENGTH ? line.substring(0, MAX_ERROR_LENGTH) + "…" : line;
    }

    static String humanDuration(Duration d) {
        long seconds = Math.max(0, d.getSeconds());
        if (seconds < 120) {
            return seconds + "s";
        }
        if (seconds < 7200) {
            return (seconds / 60) + "m";
        }
        return (seconds / 3600) + "h";
    }
}
