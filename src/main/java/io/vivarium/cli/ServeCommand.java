package io.vivarium.cli;

import io.vivarium.api.BindPolicy;
import io.vivarium.api.VivariumServer;
import io.vivarium.config.Settings;
import io.vivarium.worker.WorkerSettings;
import io.vivarium.spend.SpendLimit;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import java.net.InetSocketAddress;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the HTTP API (/grind, /status, /tasks, /actuator/health) with embedded workers that keep "
                + "watching the queue.", "This is what the jar does when given no command."})
final class ServeCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    WorkspaceOption workspace;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "${VIVARIUM_PORT:-8420}",
            description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "${VIVARIUM_BIND:-127.0.0.1}",
            description = "Address to listen on (default: ${DEFAULT-VALUE}). Anything but loopback needs "
                    + "VIVARIUM_API_TOKEN.")
    String bind;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "${VIVARIUM_WORKERS:-" + WorkerSettings.DEFAULT_WORKERS + "}",
            description = "Embedded workers (default: ${DEFAULT-VALUE}; 0 serves the API only).")
    int workers;

    @Mixin
    PoolOptions pool;

    ServeCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (workers < 0 || workers > 256) {
            throw new UserInputException("--workers must be between 0 and 256 (got " + workers + ")");
        }
        if (port < 0 || port > 65535) {
            throw new UserInputException("--port must be between 0 and 65535 (got " + port + ")");
        }
        if (!Files.isDirectory(workspace.path())) {
            throw new UserInputException("workspace " + workspace.path() + " is not a directory");
        }
        Settings settings = context.settings(workspace.path());
        try {
            BindPolicy.check(bind, settings.isSet(CliEnvironment.API_TOKEN));
        } catch (IllegalStateException refused) {
            throw new UserInputException(refused.getMessage());
        }
        checkPortFree();
        var store = pool.storeSettings();
        // Opened once before Spring starts, so that an unreachable database or a refused password is one line, not
        // a failed application context (migrations are applied here too). A corrupt workspace file is not: the
        // server starts and answers it with a 500 naming the file.
        workspace.openStore(context.clock(), store).close();
        List<String> properties = new ArrayList<>(List.of(
                "--server.port=" + port,
                "--server.address=" + bind,
                "--vivarium.workspace=" + workspace.path(),
                "--vivarium.store.url=" + (workspace.store == null ? "" : workspace.store),
                "--vivarium.workers=" + workers,
                "--vivarium.lease=" + store.lease().toMillis() + "ms",
                "--vivarium.backoff=" + store.retry().base().toMillis() + "ms",
                "--vivarium.shutdown-grace=" + pool.grace().toMillis() + "ms",
                // Each shutdown phase may wait this long; in-flight /grind grinds are stopped after the grace.
                "--spring.lifecycle.timeout-per-shutdown-phase=" + pool.grace().plusSeconds(10).toMillis() + "ms",
                "--vivarium.rate-per-second=" + pool.grindSettings().dollarsPerSecond(),
                "--vivarium.spend-limit=" + pool.spendLimit().map(SpendLimit::plain).orElse(""),
                "--vivarium.grind-env=" + String.join(",", pool.grindSettings().grindEnv())));
        VivariumServer.runUntilShutdown(properties, settings.dotEnv());
        return Cli.OK;
    }

    /** A one-line error beats Spring's page of "Web server failed to start". */
    private void checkPortFree() {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(bind), port));
        } catch (IOException e) {
            throw new UserInputException("cannot listen on " + bind + ":" + port + " (" + e.getMessage()
                    + "): is another server running? Try --port");
        }
    }
}
