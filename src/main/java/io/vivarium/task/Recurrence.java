package io.vivarium.task;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * When a recurring task comes back: every fixed interval, or at a cron expression's occurrences. Occurrences missed
 * while nothing ran are not made up for: the next run is the first occurrence after the last one ended, so a
 * machine that was off runs the task once, not once per missed occurrence.
 */
public sealed interface Recurrence {

    /** The first occurrence after {@code ended}, the end of the run that was due at {@code due}. */
    Optional<Instant> next(Instant due, Instant ended);

    /** How the schedule reads, for status lines: {@code every 10m}, {@code cron 0 3 * * * (Europe/Berlin)}. */
    String describe();

    /** The task's recurrence, if it has one. */
    static Optional<Recurrence> of(Task task) {
        if (task.every() != null) {
            return Optional.of(new Every(Durations.parse("every", task.every())));
        }
        if (task.cron() != null) {
            ZoneId zone = task.zone();
            return Optional.of(new CronTimes(task.cron(), CronSchedule.parse(task.cron(), zone), zone));
        }
        return Optional.empty();
    }

    /** On a fixed grid from the first due time, so runs do not drift by their own length. */
    record Every(Duration interval) implements Recurrence {
        @Override
        public Optional<Instant> next(Instant due, Instant ended) {
            Instant base = due == null ? ended : due;
            if (base.isAfter(ended)) {
                return Optional.of(base.plus(interval));
            }
            long missed = Duration.between(base, ended).toNanos() / interval.toNanos();
            return Optional.of(base.plus(interval.multipliedBy(missed + 1)));
        }

        @Override
        public String describe() {
            return "every " + Durations.format(interval);
        }
    }

    record CronTimes(String expression, CronSchedule schedule, ZoneId zone) implements Recurrence {
        @Override
        public Optional<Instant> next(Instant due, Instant ended) {
            Instant after = due != null && due.isAfter(ended) ? due : ended;
            return schedule.nextAfter(after);
        }

        @Override
        public String describe() {
            return "cron " + expression + " (" + zone.getId() + ")";
        }
    }
}
