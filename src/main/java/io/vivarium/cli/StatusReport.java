package io.vivarium.cli;

import io.vivarium.store.Claim;
import io.vivarium.store.Snapshot;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The human layout of {@code status}: totals with percentages, then failed and blocked tasks, then claims. */
record StatusReport(Snapshot snapshot, List<Claim> claims, Duration lease, Clock clock) {

    private static final int MAX_ERROR_LENGTH = 160;

    void print(PrintWriter out, String workspace) {
        Summary s = snapshot.summary();
        out.printf("Vivarium status: %s%n", workspace);
        out.printf("  Total tasks:  %5d%n", s.totalTasks());
        for (TaskStatus status : List.of(TaskStatus.COMPLETED, TaskStatus.IN_PROGRESS, TaskStatus.PENDING,
                TaskStatus.FAILED, TaskStatus.BLOCKED, TaskStatus.CANCELLED)) {
            int n = s.count(status);
            double percent = s.totalTasks() == 0 ? 0 : 100.0 * n / s.totalTasks();
            out.printf(Locale.ROOT, "  %-13s %5d  (%5.1f%%)%n", label(status) + ":", n, percent);
        }
        out.printf(Locale.ROOT, "  Budget used:  $%.4f%n", s.budgetUsed());
        printTasksIn(out, TaskStatus.FAILED, "Failed tasks");
        printTasksIn(out, TaskStatus.BLOCKED, "Blocked tasks");
        printClaims(out);
    }

    private void printTasksIn(PrintWriter out, TaskStatus status, String heading) {
        List<Task> tasks = snapshot.tasks().stream().filter(t -> snapshot.statusOf(t.id()) == status).toList();
        if (tasks.isEmpty() && status != TaskStatus.FAILED) {
            return;
        }
        out.println();
        out.println(heading + ":" + (tasks.isEmpty() ? " none" : ""));
        for (Task task : tasks) {
            TaskRun run = snapshot.runOf(task.id());
            out.printf("  %s  (attempts %d/%d)  %s%n", task.id(), run.attempts(), task.maxAttempts(),
                    oneLine(run.error() == null ? "no error recorded" : run.error()));
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
