package io.vivarium.cli;

import io.vivarium.store.Snapshot;
import io.vivarium.story.ClaimView;
import io.vivarium.story.TaskStory;
import io.vivarium.task.Budget;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import io.vivarium.task.Timestamps;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The human layout of {@code show}: one task's story, the fields that are set, the output's last lines. */
record StoryLayout(TaskStory story, Snapshot snapshot, Instant now, String liveOutput) {

    static final int OUTPUT_BYTES = 16 * 1024;
    static final int OUTPUT_LINES = 20;

    void print(PrintWriter out) {
        Task task = story.task();
        TaskRun run = story.run();
        out.printf("%s  %s%n", task.id(), story.status().wireName());
        field(out, "description", task.description());
        field(out, "command", task.command());
        field(out, "prompt", task.prompt());
        out.printf("  %-12s queue %s, %s priority, %s intensity, attempt %d of %d%n", "run", task.queueName(),
                task.priority().wireName(),
                task.intensity().wireName(), run.attempts(), task.maxAttempts());
        out.printf("  %-12s $%s spent of the $%s cap (at least $%s an attempt)%s%n", "cost",
                Budget.format(run.spentOrZero()), Budget.format(task.maxBudget()), Budget.format(task.minBudget()),
                run.budgetUsed() == null ? "" : "; the last attempt cost $" + Budget.format(run.budgetUsed()));
        if (run.tokensIn() != null || run.tokensOut() != null) {
            out.printf("  %-12s %d in, %d out%n", "tokens", run.tokensInOrZero(), run.tokensOutOrZero());
        }
        field(out, "created", time(task.createdAt()));
        field(out, "started", time(run.startedAt()));
        field(out, "ended", run.completedAt() == null ? null : time(run.completedAt())
                + (run.startedAt() == null ? "" : " (took " + took(run.startedAt(), run.completedAt()) + ")"));
        field(out, "worker", run.workerId());
        field(out, "exit code", run.exitCode() == null ? null : run.exitCode().toString());
        field(out, "result", run.result());
        field(out, "error", run.error());
        if (!task.dependsOn().isEmpty()) {
            field(out, "depends on", String.join(", ", task.dependsOn().stream()
                    .map(dep -> dep + " (" + snapshot.statusOf(dep).wireName() + ")").toList()));
        }
        if (!story.dependents().isEmpty()) {
            field(out, "dependents", String.join(", ", story.dependents()));
        }
        ClaimView claim = story.claim();
        if (claim != null) {
            field(out, "claim", claim.workerId() + " on " + claim.host() + " (pid " + claim.pid() + ")"
                    + (claim.heartbeatAgeSeconds() == null ? "" : ", heartbeat " + claim.heartbeatAgeSeconds() + "s ago")
                    + (claim.stale() ? ", STALE" : ""));
        }
        if (story.waiting() != null) {
            field(out, "waits", story.waiting().detail()
                    + (story.waiting().until() == null ? "" : " until " + time(story.waiting().until())));
        }
        String output = story.status() == TaskStatus.IN_PROGRESS && liveOutput != null ? liveOutput : run.output();
        if (output == null && liveOutput != null) {
            output = liveOutput;
        }
        if (output != null && !output.isBlank()) {
            List<String> lines = Arrays.asList(output.stripTrailing().split("\n", -1));
            List<String> tail = lines.subList(Math.max(0, lines.size() - OUTPUT_LINES), lines.size());
            out.printf("  output%s:%n", lines.size() > tail.size() ? " (last " + tail.size() + " lines)" : "");
            tail.forEach(line -> out.println("    " + line));
        }
    }

    private static void field(PrintWriter out, String name, String value) {
        if (value != null && !value.isBlank()) {
            out.printf("  %-12s %s%n", name, value.strip().replace("\n", "\n               "));
        }
    }

    private static String time(Instant instant) {
        return instant == null ? null : Timestamps.format(instant);
    }

    private static String took(Instant from, Instant to) {
        return String.format(Locale.ROOT, "%.2fs", Duration.between(from, to).toMillis() / 1000.0);
    }
}
