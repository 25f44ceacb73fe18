package io.vivarium.grind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import io.vivarium.support.Http;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Vivarium's own secrets stay out of grinds, unless the user names them. */
class GrindEnvironmentTest {

    /** What a worker or server may hold: its secrets, and what the user's commands need. */
    static final Map<String, String> ENVIRONMENT = Map.of(
            "TOGETHER_API_KEY", "llm-key-value",
            "VIVARIUM_API_TOKEN", "api-token-value",
            // Not VIVARIUM_STORE_URL: that one would move the worker's own queue into a database.
            "VIVARIUM_LLM_BASE_URL", "https://u:llm-url-password@llm.example/v1",
            "VIVARIUM_DB_PASSWORD", "db-password-value",
            "vivarium_llm_api_key", "relaxed-key-value",
            "SPRING_APPLICATION_JSON", "{\"vivarium\":{\"api\":{\"token\":\"json-token-value\"}}}",
            "USERS_OWN_TOKEN", "users-own-value",
            "VIVARIUM_WORKERS", "3");

    static final Set<String> SECRET_VALUES = Set.of("llm-key-value", "api-token-value", "llm-url-password",
            "db-password-value", "relaxed-key-value", "json-token-value");

    @TempDir
    Path workspace;

    @ParameterizedTest
    @ValueSource(strings = {"TOGETHER_API_KEY", "VIVARIUM_API_TOKEN", "VIVARIUM_STORE_URL", "VIVARIUM_LLM_BASE_URL",
            "VIVARIUM_DB_PASSWORD", "VIVARIUM_WEBHOOK_SECRET", "vivarium_api_token", "VIVARIUM_LLM_APIKEY",
            "SPRING_APPLICATION_JSON"})
    void vivariumsSecretsAreKnownAsSuch(String name) {
        assertThat(GrindSettings.isSecret(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PATH", "HOME", "GITHUB_TOKEN", "OPENAI_API_KEY", "VIVARIUM_WORKERS", "VIVARIUM_WORKSPACE",
            "VIVARIUM_GRIND_ENV", "MY_VIVARIUM_API_TOKEN"})
    void theUsersOwnVariablesAndVivariumsPlainSettingsAreNot(String name) {
        assertThat(GrindSettings.isSecret(name)).isFalse();
    }

    @Test
    void onlyTheSecretsTheUserNamesReachAGrind() {
        Map<String, String> environment = new HashMap<>(ENVIRONMENT);

        new GrindSettings(0.01, 1024, GrindSettings.names(" TOGETHER_API_KEY ,,")).withholdSecrets(environment);

        assertThat(environment).containsOnlyKeys("TOGETHER_API_KEY", "USERS_OWN_TOKEN", "VIVARIUM_WORKERS");
    }

    @Test
    void grindEnvTakesVariableNamesOnly() {
        assertThatThrownBy(() -> new GrindSettings(0.01, 1024, GrindSettings.names("TOGETHER_API_KEY, A=B")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'A=B' is not one");
        CliRun run = CliRun.in(workspace, "worker", "run", "--grind-env", "NOT A NAME");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("vivarium worker run: --grind-env lists environment variable names, separated by "
                + "commas: 'NOT A NAME' is not one\n");
    }

    @Test
    void aWorkersGrindSeesNoSecretUnlessTheFlagNamesIt(@TempDir Path scratch) throws Exception {
        CliRun.in(workspace, "add", "show_env", "grind", "--command", "env > grind.env");

        assertThat(workerRun(scratch, ENVIRONMENT)).isZero();
        String seen = Files.readString(workspace.resolve("grind.env"));
        assertThat(seen).contains("USERS_OWN_TOKEN=users-own-value", "VIVARIUM_WORKERS=3");
        SECRET_VALUES.forEach(value -> assertThat(seen).doesNotContain(value));

        CliRun.in(workspace, "retry", "show_env");
        assertThat(workerRun(scratch, ENVIRONMENT, "--grind-env", "TOGETHER_API_KEY,VIVARIUM_LLM_BASE_URL")).isZero();
        String optedIn = Files.readString(workspace.resolve("grind.env"));
        assertThat(optedIn).contains("TOGETHER_API_KEY=llm-key-value", "llm-url-password")
                .doesNotContain("api-token-value", "db-password-value");
    }

    @Test
    void aServersGrindSeesOnlyWhatVivariumGrindEnvNames(@TempDir Path scratch) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Map<String, String> environment = new HashMap<>(ENVIRONMENT);
        environment.put("VIVARIUM_GRIND_ENV", "VIVARIUM_DB_PASSWORD");
        environment.remove("SPRING_APPLICATION_JSON");
        CliProcess server = CliProcess.start(scratch.resolve("serve.out"), environment, "serve", "--port",
                String.valueOf(port), "--workers", "0", "--workspace", workspace.toString());
        try {
            Http http = Http.at(port).withToken("api-token-value");
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> http.get("/actuator/health").status() == 200);

            Http.Response grind = http.post("/grind", "{\"command\": \"env\", \"max_budget\": 1}");

            assertThat(grind.status()).as(grind.body()).isEqualTo(200);
            String seen = grind.json().get("output").asString();
            assertThat(seen).contains("VIVARIUM_DB_PASSWORD=db-password-value", "USERS_OWN_TOKEN=users-own-value")
                    .doesNotContain("llm-key-value", "api-token-value", "llm-url-password", "relaxed-key-value");
        } finally {
            server.process().destroy();
            server.waitFor(30);
        }
    }

    private int workerRun(Path scratch, Map<String, String> environment, String... flags)
            throws InterruptedException, IOException {
        String[] args = new String[flags.length + 4];
        args[0] = "worker";
        args[1] = "run";
        args[2] = "--workspace";
        args[3] = workspace.toString();
        System.arraycopy(flags, 0, args, 4, flags.length);
        Path out = Files.createTempFile(scratch, "worker", ".out");
        CliProcess worker = CliProcess.start(out, environment, args);
        int code = worker.waitFor(60);
        assertThat(code).as(worker.output()).isZero();
        return code;
    }
}
