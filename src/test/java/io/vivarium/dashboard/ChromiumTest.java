package io.vivarium.dashboard;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/** A machine without the browser: the dashboard's browser tests are skipped, saying why, except under CI. */
class ChromiumTest {

    @Test
    void aMissingBrowserSkipsWithWhatToInstall(@TempDir Path dir) {
        assertThatThrownBy(() -> Chromium.requireInstalled(List.of(dir.resolve("chromium")), null))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("chromium").hasMessageContaining("apt-get install -y chromium chromium-driver");
    }

    @Test
    void aMissingBrowserUnderCiIsAFailure(@TempDir Path dir) {
        assertThatThrownBy(() -> Chromium.requireInstalled(List.of(dir.resolve("chromedriver")), "true"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("chromedriver").hasMessageContaining("CI=true");
    }

    @Test
    void programsThatArePresentPass() {
        assertThatCode(() -> Chromium.requireInstalled(List.of(Path.of("/bin/sh")), "true")).doesNotThrowAnyException();
    }
}
