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
        char[] out = new char[32];
        int at = digits(out, 0, date.getYear(), 4);
        out[at++] = '-';
        at = digits(out, at, date.getMonthValue(), 2);
        out[at++] = '-';
        at = digits(out, at, date.getDayOfMonth(), 2);
        out[at++] = 'T';
        at = digits(out, at, secondOfDay / 3600, 2);
        out[at++] = ':';
        at = digits(out, at, secondOfDay / 60 % 60, 2);
        out[at++] = ':';
        at = digits(out, at, secondOfDay % 60, 2);
        out[at++] = '.';
        at = digits(out, at, instant.getNano() / 1000, 6);
        for (char c : "+00:00".toCharArray()) {
            out[at++] = c;
        }
        return new String(out, 0, at);
    }

    /** Writes {@code value} zero-padded to {@code width} digits; returns the position after them. */
    private static int digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
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
