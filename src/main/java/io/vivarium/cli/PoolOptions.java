package io.vivarium.cli;

import io.vivarium.app.Assembly;
import io.vivarium.grind.GrindSettings;
import io.vivarium.spend.SpendLimit;
import io.vivarium.store.StoreSettings;
import io.vivarium.task.RetryPolicy;
import io.vivarium.worker.WorkerSettings;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Tuning shared by every verb that runs workers; each flag also reads an environment variable. */
final class PoolOptions {

    @Option(names = "--lease", paramLabel = "SECONDS", defaultValue = "${VIVARIUM_LEASE_SECONDS:-" + StoreSettings.DEFAULT_LEASE_SECONDS + "}",
            description = "A claim not renewed for this long may be taken over (default: ${DEFAULT-VALUE}).")
    double leaseSeconds;

    @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "${VIVARIUM_SHUTDOWN_GRACE_SECONDS:-"
            + WorkerSettings.DEFAULT_SHUTDOWN_GRACE_SECONDS + "}",
            description = "On SIGTERM/Ctrl-C, let running grinds finish for this long before stopping them "
                    + "(default: ${DEFAULT-VALUE}).")
    double graceSeconds;

    @Option(names = "--backoff", paramLabel = "SECONDS", defaultValue = "${VIVARIUM_BACKOFF_SECONDS:-" + RetryPolicy.DEFAULT_BASE_SECONDS + "}",
            description = "Wait before a failed task's 2nd attempt; doubles per attempt, at most " + RetryPolicy.CAP_SECONDS + " s "
                    + "(default: ${DEFAULT-VALUE}).")
    double backoffSeconds;

    @Option(names = "--rate", paramLabel = "DOLLARS", defaultValue = "${VIVARIUM_RATE_PER_SECOND:-" + GrindSettings.DEFAULT_RATE + "}",
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
        return Assembly.storeSettings(lease, seconds("--backoff", backoffSeconds, 0), spendLimit());
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
