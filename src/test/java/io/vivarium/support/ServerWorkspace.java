package io.vivarium.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A workspace directory for a Spring test context, which needs it before any JUnit extension runs. */
public final class ServerWorkspace {

    private ServerWorkspace() {
    }

    public static Path create(String name) {
        try {
            Path dir = Files.createTempDirectory("vivarium-" + name);
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
