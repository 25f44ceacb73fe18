package io.vivarium.task;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The workspace files' timestamp format: ISO-8601 with an explicit {@code +00:00} offset, as the original Python
 * system wrote them. Fixed width (microseconds always present) so that a claim record keeps its length when its
 * heartbeat is renewed in place.
 */
public final class Timestamps {

    private static final DateTimeFormatter WRITE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    public static String format(Instant instant) {
        return WRITE.format(instant);
    }

    /** Accepts an offset, a {@code Z}, or no zone at all (read as UTC, like Python's naive {@code isoformat()}). */
    public static Instant parse(String text) {
        String trimmed = text.trim();
        try {
            return OffsetDateTime.parse(trimmed, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException withOffset) {
            try {
                return LocalDateTime.parse(trimmed, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException naive) {
                throw new IllegalArgumentException("not an ISO-8601 timestamp: '" + trimmed + "'");
            }
        }
    }
}
