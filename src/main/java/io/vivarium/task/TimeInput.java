package io.vivarium.task;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;

/**
 * A moment as a user types it: ISO-8601 with an offset or {@code Z} ({@code 2026-12-05T09:00:00+01:00}), or a local
 * date and time ({@code 2026-12-05 09:00}, {@code 2026-12-05T09:00:30}) read in a given zone. A local time that a
 * daylight-saving change skips is moved forward by the gap; one that happens twice is the earlier.
 */
public final class TimeInput {

    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .toFormatter();

    private TimeInput() {
    }

    /** The instant {@code text} names; else {@link InvalidTaskException} naming {@code field}. */
    public static Instant parse(String field, String text, ZoneId zone) {
        String t = text == null ? "" : text.strip();
        try {
            return OffsetDateTime.parse(t.replace(' ', 'T')).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(t, LOCAL).atZone(zone).toInstant();
            } catch (DateTimeException notLocal) {
                throw new InvalidTaskException(field, field + " must be a time like 2026-12-05T09:00:00Z, "
                        + "2026-12-05T09:00+01:00 or 2026-12-05 09:00 (got '" + t + "')");
            }
        }
    }

    /** A zone id ({@code Europe/Berlin}, {@code UTC}, {@code +01:00}); else {@link InvalidTaskException} naming it. */
    public static ZoneId zone(String field, String id) {
        try {
            return ZoneId.of(id.strip());
        } catch (DateTimeException | NullPointerException e) {
            throw new InvalidTaskException(field, field + " must be a time zone like Europe/Berlin or UTC (got '"
                    + id + "')");
        }
    }
}
