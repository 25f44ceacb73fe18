package io.vivarium.cli;

import io.vivarium.grind.GrindSettings;
import io.vivarium.spend.SpendLimit;
import io.vivarium.store.StoreSettings;
import io.vivarium.task.RetryPolicy;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Tuning shared by every verb that runs workers; each flag also reads an environment variable. */
final class PoolOptions {

    @Option(names = "--lease", paramLabel = "SECONDS", defaultValue = "${VIVARIUM_LEASE_SECONDS:-300}",
            description = "A claim not renewed for this long may be taken over (default: ${DEFAULT-VALUE}).")
    double leaseSeconds;

    @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "${VIVARIUM_SHUTDOWN_GRACE_SECONDS:-5}",
            description = "On SIGTERM/Ctrl-C, let running grinds finish for this long before stopping them "
                    + "(default: ${DEFAULT-VALUE}).")
    double graceSeconds;

    @Option(names = "--backoff", paramLabel = "SECONDS", defaultValue = "${VIVARIUM_BACKOFF_SECONDS:-2}",
            description = "Wait before a failed task's 2nd attempt; doubles per attempt, at most 120 s "
                    + "(default: ${DEFAULT-VALUE}).")
    double backoffSeconds;

    @Option(names = "--rate", paramLabel = "DOLLARS", defaultValue = "${VIVARIUM_RATE_PER_SECOND:-0.01}",
            description = "What a command grind costs per second at medium intensity (default: ${DEFAULT-VALUE}).")
    double dollarsPerSecond;

    @Mixin
    SpendLimitOption spend;

    @Option(names = "--grind-env", paramLabel = "NAMES", defaultValue = "${VIVARIUM_GRIND_ENV:-}",
            description = "Vivarium secrets that command grinds may see, comma-separated (e.g. TOGETHER_API_KEY); "
                    + "the rest are withheld from them (default: none).")
    String grindEnv;

    @Option(names = "--push", paramLabel = "REMOTE", defaultValue = "${VIVARIUM_PUSH:-}",
            description = "Push each code grind's result branch (vivarium/ID) to this git remote.")
    String push;

    StoreSettings storeSettings() {
        Duration lease = seconds("--lease", leaseSeconds, 0.5);
        Duration base = seconds("--backoff", backoffSeconds, 0);
        Duration max = Duration.ofMinutes(2).compareTo(base) < 0 ? base : Duration.ofMinutes(2);
        return StoreSettings.withLease(lease, new RetryPolicy(base, max)).withSpendLimit(spendLimit());
    }

    Optional<SpendLimit> spendLimit() {
        return spend.limit();
    }

    GrindSettings grindSettings() {
        if (!(dollarsPerSecond > 0) || !Double.isFinite(dollarsPerSecond)) {
            throw new UserInputException("--rate must be a positive number of dollars per second");
        }
        try {
            return new GrindSettings(dollarsPerSecond, GrindSettings.DEFAULT_OUTPUT_LIMIT, GrindSettings.names(grindEnv));
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--" + e.getMessage());
        }
    }

    Duration grace() {
        return seconds("--grace", graceSeconds, 0);
    }

    private static Duration seconds(String flag, double value, double minimum) {
        if (!Double.isFinite(value) || value < minimum || value > 7 * 24 * 3600) {
            throw new UserInputException(flag + " must be a number of seconds of at least " + minimum + " (got " + value + ")");
        }
        return Duration.ofMillis(Math.round(value * 1000));
    }
}
