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
    /** For comparing two documents as JSON, whatever the order of their fields. */
    public static final JsonMapper JSON_TREE = JSON;

    private WorkspaceFiles() {
    }

    public static JsonNode queue(Path workspace) {
        return read(workspace.resolve("queue.json"));
    }

    public static JsonNode log(Path workspace) {
        return read(workspace.resolve("execution_log.json"));
    }

    /** The lease line that holds a task, in whichever process's lease file under {@code task_locks/} it is. */
    public static java.util.Optional<JsonNode> claimOf(Path workspace, String taskId) {
        for (Path file : leaseFiles(workspace)) {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                continue;
            }
            for (String line : text.split("\n")) {
                try {
                    JsonNode node = JSON.readTree(line);
                    if (node != null && node.has("task_id") && taskId.equals(node.get("task_id").asString())) {
                        return java.util.Optional.of(node);
                    }
                } catch (RuntimeException torn) {
                    // a line being rewritten: read again on the next poll
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** The lease files: every {@code *.lock} in {@code task_locks/} but the workspace's own lock. */
    public static java.util.List<Path> leaseFiles(Path workspace) {
        Path locks = workspace.resolve("task_locks");
        if (!Files.isDirectory(locks)) {
            return java.util.List.of();
        }
        try (var files = Files.list(locks)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".lock")
                    && !f.getFileName().toString().startsWith(".") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
