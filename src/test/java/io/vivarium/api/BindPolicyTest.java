package io.vivarium.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vivarium.support.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BindPolicyTest {

    @TempDir
    Path workspace;

    @Test
    void loopbackNeedsNoToken() {
        assertThatCode(() -> BindPolicy.check("127.0.0.1", false)).doesNotThrowAnyException();
        assertThatCode(() -> BindPolicy.check("localhost", false)).doesNotThrowAnyException();
        assertThatCode(() -> BindPolicy.check("::1", false)).doesNotThrowAnyException();
    }

    @Test
    void anyOtherAddressNeedsAToken() {
        assertThatThrownBy(() -> BindPolicy.check("0.0.0.0", false)).hasMessageContaining("VIVARIUM_API_TOKEN");
        assertThatThrownBy(() -> BindPolicy.check("", false)).hasMessageContaining("VIVARIUM_API_TOKEN");
        assertThatCode(() -> BindPolicy.check("0.0.0.0", true)).doesNotThrowAnyException();
    }

    @Test
    void serveRefusesAWideBindWithoutATokenInOneLine() {
        CliRun run = CliRun.in(workspace, "serve", "--bind", "0.0.0.0", "--port", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("refusing to listen on 0.0.0.0 without an API token");
    }

    @Test
    void serveRefusesBadFlags() {
        assertThat(CliRun.in(workspace, "serve", "--workers", "-1").err()).contains("--workers must be between 0 and 256");
        assertThat(CliRun.in(workspace, "serve", "--port", "70000").err()).contains("--port must be between");
        assertThat(CliRun.in(workspace.resolve("missing"), "serve").err()).contains("is not a directory");
    }
}
