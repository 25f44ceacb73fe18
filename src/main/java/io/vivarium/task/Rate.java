package io.vivarium.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A queue's start rate: at most {@code starts} starts in any window of {@code period}. Written {@code 3/s},
 * {@code 60/min}, {@code 100/h}, or with a duration for the period ({@code 5/10s}, {@code 1000/1d}).
 */
public record Rate(int starts, Duration period) {

    public static final int MAX_STARTS = 10_000;
    public static final Duration MAX_PERIOD = Duration.ofDays(1);
    private static final Pattern FORM = Pattern.compile("\\s*(-?\\d{1,9})\\s*/\\s*(\\S+)\\s*");

    public Rate {
        if (starts < 1 || starts > MAX_STARTS) {
            throw new InvalidTaskException("rate", "rate must allow 1 to " + MAX_STARTS + " starts per period (got "
                    + starts + ")");
        }
        if (period == null || period.isNegative() || period.isZero() || period.compareTo(MAX_PERIOD) > 0) {
            throw new InvalidTaskException("rate", "rate's period must be from 1s to 1d (got " + period + ")");
        }
    }

    /** Reads {@code N/PERIOD}; anything else is an {@link InvalidTaskException} naming {@code rate}. */
    @JsonCreator
    public static Rate parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        if (m == null || !m.matches()) {
            throw new InvalidTaskException("rate", "rate must be N/PERIOD, like 3/s, 60/min or 100/h (got '"
                    + (text == null ? "" : text.strip()) + "')");
        }
        return new Rate(Integer.parseInt(m.group(1)), period(m.group(2)));
    }

    private static Duration period(String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "s", "sec", "second" -> Duration.ofSeconds(1);
            case "m", "min", "minute" -> Duration.ofMinutes(1);
            case "h", "hour" -> Duration.ofHours(1);
            case "d", "day" -> Duration.ofDays(1);
            default -> Durations.parse("rate", unit);
        };
    }

    @JsonValue
    @Override
    public String toString() {
        long s = period.getSeconds();
        String unit = s == 1 ? "s" : s == 60 ? "min" : s == 3600 ? "h" : s == 86_400 ? "d" : Durations.compact(period);
        return starts + "/" + unit;
    }
}
