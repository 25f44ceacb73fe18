package io.vivarium.task;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.LocalDate;

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

    /** Hand-rolled for the hot path (a log of 10,000 entries holds 20,000 timestamps); same text as {@link #WRITE}. */
    public static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        long days = Math.floorDiv(seconds, 86_400);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        LocalDate date = LocalDate.ofEpochDay(days);
        if (date.getYear() < 0 || date.getYear() > 9999) {
            return WRITE.format(instant);
        }
        StringBuilder out = new StringBuilder(32);
        pad(out, date.getYear(), 4).append('-');
        pad(out, date.getMonthValue(), 2).append('-');
        pad(out, date.getDayOfMonth(), 2).append('T');
        pad(out, secondOfDay / 3600, 2).append(':');
        pad(out, secondOfDay / 60 % 60, 2).append(':');
        pad(out, secondOfDay % 60, 2).append('.');
        pad(out, instant.getNano() / 1000, 6).append("+00:00");
        return out.toString();
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
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
