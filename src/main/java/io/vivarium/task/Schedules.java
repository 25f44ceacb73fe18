package io.vivarium.task;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** How a task's time reads to a user: the wait reason ("starts at 09:00 (in 2h 10m)") and its schedule. */
public final class Schedules {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");
    private static final DateTimeFormatter TIME_SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm");

    private Schedules() {
    }

    /**
     * {@code starts at 09:00 (in 2h 10m)}: the time in {@code zone}, with its date when it is not today's and its
     * seconds when it is less than a minute away.
     */
    public static String startsAt(Instant at, Instant now, ZoneId zone) {
        ZonedDateTime when = at.atZone(zone);
        Duration left = Duration.between(now, at);
        String time = !when.toLocalDate().equals(now.atZone(zone).toLocalDate()) ? DATE_TIME.format(when)
                : left.toMinutes() < 1 ? TIME_SECONDS.format(when) : TIME.format(when);
        return "starts at " + time + " (in " + Durations.format(left.isNegative() ? Duration.ZERO : left) + ")";
    }

    /** {@code every 10m}, {@code cron 0 3 * * * (Europe/Berlin)}, {@code timeout 10m}; empty for a plain task. */
    public static Optional<String> describe(Task task, Instant now) {
        List<String> parts = new ArrayList<>();
        if (task.runAt() != null && task.runAt().isAfter(now)) {
            parts.add(startsAt(task.runAt(), now, task.zone()));
        }
        Recurrence.of(task).ifPresent(r -> parts.add(r.describe()));
        task.timeout().ifPresent(t -> parts.add("timeout " + Durations.format(t)));
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", parts));
    }
}
