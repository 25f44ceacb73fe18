package io.vivarium.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.OddFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    void theEnvironmentWinsOverTheFile(@TempDir Path workspace) throws Exception {
        Files.writeString(workspace.resolve(".env"), "VIVARIUM_TEST_FROM_FILE=file\nVIVARIUM_TEST_IN_ENV=file\n");
        try {
            DotEnv.exposeAsSystemProperties(workspace, Map.of("VIVARIUM_TEST_IN_ENV", "env"));

            assertThat(System.getProperty("VIVARIUM_TEST_FROM_FILE")).isEqualTo("file");
            assertThat(System.getProperty("VIVARIUM_TEST_IN_ENV")).isNull();
        } finally {
            System.clearProperty("VIVARIUM_TEST_FROM_FILE");
        }
    }

    @Test
    void aNamedPipeOrAHugeFileAsDotEnvIsTakenAsNoneAtOnce(@TempDir Path workspace) throws Exception {
        Path file = OddFiles.fifo(workspace.resolve(".env"));
        OddFiles.within(Duration.ofSeconds(10), List.of(file), () -> {
            DotEnv.exposeAsSystemProperties(workspace, Map.of());
            return null;
        });

        Files.delete(file);
        Path huge = OddFiles.sparse(workspace.resolve("huge.env"), 3L << 30);
        OddFiles.link(file, huge);
        OddFiles.within(Duration.ofSeconds(10), List.of(), () -> {
            DotEnv.exposeAsSystemProperties(workspace, Map.of());
            return null;
        });
    }

    @Test
    void theWorkspaceComesFromTheFlagThenTheEnvironment() {
        assertThat(DotEnv.workspaceFrom(new String[] {"status", "-w", "/a"}, Map.of())).isEqualTo(Path.of("/a"));
        assertThat(DotEnv.workspaceFrom(new String[] {"status", "--workspace=/b"}, Map.of())).isEqualTo(Path.of("/b"));
        assertThat(DotEnv.workspaceFrom(new String[] {"status"}, Map.of("VIVARIUM_WORKSPACE", "/c")))
                .isEqualTo(Path.of("/c"));
        assertThat(DotEnv.workspaceFrom(new String[] {"status"}, Map.of())).isEqualTo(Path.of("."));
    }
}
