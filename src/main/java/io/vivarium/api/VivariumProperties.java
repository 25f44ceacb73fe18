package io.vivarium.api;

import io.vivarium.grind.GrindSettings;
import io.vivarium.spend.SpendLimit;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.task.RetryPolicy;
import io.vivarium.worker.WorkerSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The service's settings ({@code vivarium.*}). {@code serve} fills them from its flags, the environment and the
 * workspace's {@code .env}; a server started from an IDE reads them like any Spring Boot property.
 *
 * @param workers embedded workers; 0 serves the API only
 * @param grindThreads how many {@code POST /grind} requests run at once; more wait in a queue of the same size
 * @param allowedHosts host names (or addresses) besides loopback ones that requests may be addressed to when no
 *                     token is set, and that may send state-changing requests from a browser page
 * @param grindEnv Vivarium's secrets that command grinds may see; the others are withheld from them
 * @param retention completed tasks that ended longer ago than this are pruned (unset: kept); VIVARIUM_RETENTION
 * @param spendLimit this server's own spend ceiling in dollars (blank: none), beside the one kept in the store;
 *                   the smaller applies to the embedded workers' claims
 * @param maxEventStreams how many {@code GET /events} streams the server holds open at once; more are refused
 *                        with a 503 so that idle streams cannot exhaust the connections and memory the rest needs
 */
@Validated
@ConfigurationProperties("vivarium")
public record VivariumProperties(
        @DefaultValue(".") Path workspace,
        @DefaultValue("" + WorkerSettings.DEFAULT_WORKERS) @Min(0) @Max(256) int workers,
        @DefaultValue(StoreSettings.DEFAULT_LEASE_SECONDS + "s") Duration lease,
        @DefaultValue(RetryPolicy.DEFAULT_BASE_SECONDS + "s") Duration backoff,
        @DefaultValue(WorkerSettings.DEFAULT_SHUTDOWN_GRACE_SECONDS + "s") Duration shutdownGrace,
        @DefaultValue("" + GrindSettings.DEFAULT_RATE) @Positive double ratePerSecond,
        @DefaultValue("16") @Min(1) @Max(1024) int grindThreads,
        @DefaultValue Set<String> grindEnv,
        @DefaultValue @Valid Api api,
        @DefaultValue List<String> allowedHosts,
        @DefaultValue Store store,
        String spendLimit,
        @DefaultValue("64") @Min(1) @Max(4096) int maxEventStreams,
        Duration retention) {

    /** {@link #spendLimit} as the core takes it; a value that is not a dollar amount stops the start-up, naming it. */
    public Optional<SpendLimit> processSpendLimit() {
        return SpendLimit.parseOptional("vivarium.spend-limit", spendLimit);
    }

    /** @param url a PostgreSQL URL; unset keeps the queue in the workspace's files */
    public record Store(String url) {

        @Override
        public String toString() {
            return "Store[url=" + (url == null || url.isBlank() ? "(workspace files)" : StoreLocation.redact(url)) + "]";
        }
    }


    /** @param token when set, every endpoint but health needs {@code Authorization: Bearer <token>} */
    public record Api(String token) {

        public boolean hasToken() {
            return token != null && !token.isBlank();
        }

        @Override
        public String toString() {
            return "Api[token=" + (hasToken() ? "(set)" : "(none)") + "]";
        }
    }
}
