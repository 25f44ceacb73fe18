package io.vivarium.task;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A five-field cron expression (minute hour day-of-month month day-of-week) in a time zone, read by cron-utils.
 * The nicknames ({@code @hourly}, {@code @daily}, …) stand for the expressions crontab(5) gives them.
 */
public final class CronSchedule {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private static final Map<String, String> NICKNAMES = Map.of(
            "@hourly", "0 * * * *",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@weekly", "0 0 * * 0",
            "@monthly", "0 0 1 * *",
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *");

    private final ExecutionTime times;
    private final ZoneId zone;

    private CronSchedule(ExecutionTime times, ZoneId zone) {
        this.times = times;
        this.zone = zone;
    }

    /** Reads {@code expression}; a bad one is an {@link InvalidTaskException} naming the {@code cron} field. */
    public static CronSchedule parse(String expression, ZoneId zone) {
        String text = expression == null ? "" : expression.strip();
        String fields = NICKNAMES.getOrDefault(text.toLowerCase(Locale.ROOT), text);
        if (fields.startsWith("@")) {
            throw new InvalidTaskException("cron", "cron nickname '" + text + "' is not one of "
                    + String.join(", ", NICKNAMES.keySet().stream().sorted().toList()));
        }
        try {
            Cron cron = PARSER.parse(fields);
            cron.validate();
            return new CronSchedule(ExecutionTime.forCron(cron), zone);
        } catch (IllegalArgumentException e) {
            throw new InvalidTaskException("cron", "cron must be five fields (minute hour day month weekday) or "
                    + "@hourly/@daily/@weekly (got '" + text + "'): " + e.getMessage());
        }
    }

    /** The first occurrence strictly after {@code after}; empty for an expression that never fires again. */
    public Optional<Instant> nextAfter(Instant after) {
        return times.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant);
    }
}
