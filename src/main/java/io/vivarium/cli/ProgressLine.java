package io.vivarium.cli;

import io.vivarium.spend.SpendStatus;
import io.vivarium.task.Budget;
import io.vivarium.task.Summary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * {@code start}'s live line: what is done, what runs now, how fast tasks finish and how long the rest will take.
 * "Running" counts grinds that run in this process now; claims the pool took ahead of its free workers, and work
 * other processes hold, are still "waiting" here. Under a spend ceiling the money part shows the spend against it.
 */
final class ProgressLine {

    private final Clock clock;
    private Instant since;
    private int doneSince;

    ProgressLine(Clock clock) {
        this.clock = clock;
    }

    synchronized String render(Summary s, int running) {
        return render(s, running, null);
    }

    /** With the spend, when a ceiling applies: what is spent of it, what running tasks reserve, what waits for it. */
    synchronized String render(Summary s, int running, SpendStatus spend) {
        Instant now = clock.instant();
        int done = s.completed() + s.failed() + s.blocked() + s.cancelled();
        if (since == null) {
            since = now;
            doneSince = done;
        }
        double seconds = Duration.between(since, now).toMillis() / 1000.0;
        double rate = seconds > 0 ? (done - doneSince) / seconds : 0;
        int left = s.totalTasks() - done;
        String eta = left == 0 ? "none left" : rate > 0 ? "~" + format(left / rate) + " left" : "time left unknown";
        String money = spend == null || spend.ceiling().isEmpty()
                ? "$" + Budget.format(s.budgetUsed()) + " used"
                : String.format(Locale.ROOT, "$%s of $%s limit, $%s reserved%s", Budget.format(spend.ledger().spent()),
                        spend.ceiling().get().plain(), Budget.format(spend.ledger().reserved()),
                        spend.waitingForBudget() == 0 ? "" : ", " + spend.waitingForBudget() + " wait for budget");
        return String.format(Locale.ROOT,
                "[%d/%d done] completed %d, failed %d, running %d, waiting %d | %.1f tasks/s, %s | %s   ",
                done, s.totalTasks(), s.completed(), s.failed(), running, Math.max(0, left - running), rate, eta,
                money);
    }

    private static String format(double seconds) {
        long s = Math.round(Math.ceil(seconds));
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }
}
