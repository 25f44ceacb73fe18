package io.vivarium.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotEnvTest {

    @Test
    void readsTheCommonShapesOfKeyValueLines() {
        Map<String, String> values = DotEnv.parse(List.of(
                "# a comment", "", "TOGETHER_API_KEY=abc123", "export VIVARIUM_PORT=9000",
                "QUOTED=\"with spaces\"", "SINGLE='x=y'", "TRAILING=value # note", "not a line", "EMPTY="));

        assertThat(values).containsExactly(
                Map.entry("TOGETHER_API_KEY", "abc123"), Map.entry("VIVARIUM_PORT", "9000"),
                Map.entry("QUOTED", "with spaces"), Map.entry("SINGLE", "x=y"), Map.entry("TRAILING", "value"),
                Map.entry("EMPTY", ""));
    }

    @Test
    void theEnvironmentWinsOverTheFileAndTheFileOverTheDefault(@TempDir Path workspace) throws Exception {
        Files.writeString(workspace.resolve(".env"), "FROM_FILE=file\nIN_BOTH=file\nBLANKED=file\n");

        Settings settings = Settings.load(Map.of("IN_BOTH", "env", "BLANKED", ""), workspace);

        assertThat(settings.get("FROM_FILE", "default")).isEqualTo("file");
        assertThat(settings.get("IN_BOTH", "default")).isEqualTo("env");
        assertThat(settings.get("NOWHERE", "default")).isEqualTo("default");
        // set but blank in the environment: it decides, and blank means "not set"
        assertThat(settings.get("BLANKED", "default")).isEqualTo("default");
        assertThat(settings.isSet("BLANKED")).isFalse();
        assertThat(System.getProperty("FROM_FILE")).as("nothing is copied into system properties").isNull();
    }

    @Test
    void noFileMeansNoValues(@TempDir Path workspace) {
        assertThat(DotEnv.read(workspace)).isEmpty();
    }

    @Test
    void aFileThatCannotBeUsedIsAnErrorNotSilence(@TempDir Path workspace) throws Exception {
        Path env = workspace.resolve(".env");
        new ProcessBuilder("mkfifo", env.toString()).start().waitFor();
        assertThatThrownBy(() -> DotEnv.read(workspace)).isInstanceOf(SettingsException.class)
                .hasMessage(env + ": not a regular file");

        Files.delete(env);
        Files.writeString(env, "A=" + "x".repeat(DotEnv.MAX_BYTES));
        assertThatThrownBy(() -> DotEnv.read(workspace)).isInstanceOf(SettingsException.class)
                .hasMessageStartingWith(env + ": larger than 64 KiB");
    }
}
