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
        char[] out = new char[LENGTH];
        int n = formatInto(instant, out);
        return n < 0 ? WRITE.format(instant) : new String(out, 0, n);
    }

    /** The length of the text {@link #formatInto} writes. */
    public static final int LENGTH = 32;

    /**
     * {@link #format}'s text written into {@code out} (at least {@link #LENGTH} long), for a serializer that hands
     * the characters to its generator without making a String of them; the count written, or -1 for a year outside
     * 0 to 9999 (then {@link #format} writes it).
     */
    public static int formatInto(Instant instant, char[] out) {
        long seconds = instant.getEpochSecond();
        long days = Math.floorDiv(seconds, 86_400);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        LocalDate date = LocalDate.ofEpochDay(days);
        if (date.getYear() < 0 || date.getYear() > 9999) {
            return -1;
        }
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
        out[at++] = '+';
        out[at++] = '0';
        out[at++] = '0';
        out[at++] = ':';
        out[at++] = '0';
        out[at++] = '0';
        return at;
    }

    /**
     * The forms Vivarium and Java write, {@code 2026-01-15T10:30:00[.ffffff](+00:00|Z)}, without the general
     * parser's garbage (a queue of 100,000 tasks holds 100,000 of them); null for anything else.
     */
    private static Instant parseUtc(String t) {
        int n = t.length();
        if (n < 20 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T' || t.charAt(13) != ':'
                || t.charAt(16) != ':') {
            return null;
        }
        int zone;
        if (t.endsWith("Z")) {
            zone = n - 1;
        } else if (t.endsWith("+00:00")) {
            zone = n - 6;
        } else {
            return null;
        }
        int year = number(t, 0, 4);
        int month = number(t, 5, 7);
        int day = number(t, 8, 10);
        int hour = number(t, 11, 13);
        int minute = number(t, 14, 16);
        int second = number(t, 17, 19);
        int nanos = 0;
        if (zone > 19) {
            int digits = zone - 20;
            if (t.charAt(19) != '.' || digits < 1 || digits > 9) {
                return null;
            }
            nanos = number(t, 20, zone);
            for (int i = digits; i < 9; i++) {
                nanos *= 10;
            }
        } else if (zone != 19) {
            return null;
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59
                || nanos < 0) {
            return null;
        }
        try {
            long days = LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(days * 86_400 + hour * 3600L + minute * 60L + second, nanos);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /** The decimal number in {@code t[from, to)}, or -1 when any of it is not a digit. */
    private static int number(String t, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
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
        Instant fast = parseUtc(trimmed);
        if (fast != null) {
            return fast;
        }
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
