package io.vivarium.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads workspace files the way a user's tool would: as plain JSON, independent of Vivarium's own codecs. */
public final class WorkspaceFiles {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private WorkspaceFiles() {
    }

    public static JsonNode queue(Path workspace) {
        return read(workspace.resolve("queue.json"));
    }

    public static JsonNode log(Path workspace) {
        return read(workspace.resolve("execution_log.json"));
    }

    public static JsonNode read(Path file) {
        return JSON.readTree(bytes(file));
    }

    public static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
