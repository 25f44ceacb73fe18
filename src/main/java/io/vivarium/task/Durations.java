package io.vivarium.task;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as users write them: {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}, or several parts in falling order
 * ({@code 1h30m}). One place reads them, for every flag and field that takes one, and one place writes them back
 * ({@code 2h 10m}) for wait reasons and errors.
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d{1,9})\\s*([dhms])");
    private static final String UNITS = "dhms";

    private Durations() {
    }

    /** The duration {@code text} names; a positive one, else {@link InvalidTaskException} naming {@code field}. */
    public static Duration parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw invalid(field, text);
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int at = 0;
        int lastUnit = -1;
        while (at < t.length()) {
            if (!m.find(at) || m.start() != at) {
                throw invalid(field, text);
            }
            int unit = UNITS.indexOf(m.group(2));
            if (unit <= lastUnit) {
                throw invalid(field, text);
            }
            lastUnit = unit;
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
            at = m.end();
            while (at < t.length() && t.charAt(at) == ' ') {
                at++;
            }
        }
        if (total.isZero()) {
            throw new InvalidTaskException(field, field + " must be longer than zero (got '" + text.strip() + "')");
        }
        return total;
    }

    /** {@code 2h 10m}, {@code 45s}, {@code 1d 3h}: the two largest parts, rounded down; under a second in milliseconds. */
    public static String format(Duration duration) {
        if (duration.getSeconds() == 0 && duration.getNano() > 0) {
            return duration.toMillis() + "ms";
        }
        long s = Math.max(0, duration.getSeconds());
        long[] values = {s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60};
        StringBuilder out = new StringBuilder();
        int parts = 0;
        for (int i = 0; i < values.length && parts < 2; i++) {
            if (values[i] > 0 || parts > 0) {
                if (values[i] > 0) {
                    out.append(out.isEmpty() ? "" : " ").append(values[i]).append(UNITS.charAt(i));
                }
                parts++;
            }
        }
        return out.isEmpty() ? "0s" : out.toString();
    }

    /** The compact form a field keeps ({@code 1h30m}), exact to the second. */
    public static String compact(Duration duration) {
        long s = duration.getSeconds();
        long[] values = {s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60};
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (values[i] > 0) {
                out.append(values[i]).append(UNITS.charAt(i));
            }
        }
        return out.isEmpty() ? "0s" : out.toString();
    }

    private static InvalidTaskException invalid(String field, String text) {
        return new InvalidTaskException(field, field + " must be a duration like 30s, 10m, 2h or 1d (got '"
                + (text == null ? "" : text.strip()) + "')");
    }
}
