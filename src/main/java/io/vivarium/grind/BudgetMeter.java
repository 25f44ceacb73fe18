package io.vivarium.grind;

import io.vivarium.task.Intensity;
import io.vivarium.task.Money;
import java.time.Duration;

/** What a command grind costs: {@code seconds × rate × m(intensity)}, never below min nor above max. */
record BudgetMeter(double dollarsPerSecond, Intensity intensity, double min, double max) {

    double rate() {
        return dollarsPerSecond * intensity.rateMultiplier();
    }

    double charge(Duration elapsed) {
        double metered = elapsed.toNanos() / 1e9 * rate();
        return Money.round(Math.min(max, Math.max(min, metered)));
    }

    /** How long the command may run before it has spent {@code max}. */
    Duration timeAllowed() {
        return Duration.ofNanos((long) Math.min(Long.MAX_VALUE / 2.0, max / rate() * 1e9));
    }
}
