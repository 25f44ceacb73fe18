package io.vivarium.campaign;

import io.vivarium.store.Snapshot;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The invariants every campaign ends with: whole files, a summary that matches, final states, no claims left. */
final class WorkspaceAudit {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private WorkspaceAudit() {
    }

    static List<String> check(Path workspace, Set<TaskStatus> allowedFinal, RunHistory history) throws IOException {
        List<String> violations = new ArrayList<>(history.violations());
        Documents files = documents(workspace, violations);
        if (files == null) {
            return violations;
        }
        JsonNode queue = files.queue();
        JsonNode log = files.log();
        Snapshot snapshot = new FileTaskStore(workspace, Clock.systemUTC()).snapshot();
        JsonNode summary = log.get("swarm_summary");
        var expected = snapshot.summary();
        if (summary == null || summary.get("total_tasks").asInt() != queue.get("tasks").size()
                || summary.get("completed").asInt() != expected.completed()
                || summary.get("failed").asInt() != expected.failed()
                || summary.get("pending").asInt() != expected.pending()
                || summary.get("in_progress").asInt() != expected.inProgress()) {
            violations.add("swarm_summary " + summary + " does not match the entries " + expected);
        }
        for (var task : snapshot.tasks()) {
            TaskRun run = snapshot.runOf(task.id());
            if (!allowedFinal.contains(run.status())) {
                violations.add("task " + task.id() + " ended " + run.status() + " (" + run.error() + ")");
            }
            if (run.status() == TaskStatus.COMPLETED && task.command() != null && task.command().contains("runs.log")
                    && history.runsOf(task.id()).stream().noneMatch(RunHistory.Run::ended)) {
                violations.add("task " + task.id() + " is completed but no run of it finished");
            }
        }
        try (Stream<Path> locks = Files.list(workspace.resolve("task_locks"))) {
            List<String> left = locks.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".lock")
                    && !n.equals(".workspace.lock")).toList();
            if (!left.isEmpty()) {
                violations.add("claims left behind: " + left);
            }
        }
        return violations;
    }

    /** {@code queue.json} and {@code execution_log.json}, each read whole. */
    record Documents(JsonNode queue, JsonNode log) {
    }

    /** Both files, parsed; null, with a violation, when either does not parse (a torn file, say). */
    static Documents documents(Path workspace, List<String> violations) throws IOException {
        try {
            return new Documents(JSON.readTree(Files.readString(workspace.resolve("queue.json"))),
                    JSON.readTree(Files.readString(workspace.resolve("execution_log.json"))));
        } catch (RuntimeException e) {
            violations.add("a workspace file does not parse: " + e.getMessage());
            return null;
        }
    }

    /** What {@code task_locks/.journal} held when read: its base, its records past it, whether its end was torn. */
    record Journal(long base, int records, boolean tornTail) {
    }

    /**
     * Reads the journal without the lock, as {@code cat} would: a header line, then whole records whose seqs run on
     * one by one (a gap is a lost commit) and reach past the base without a gap; the first few may be records the
     * checkpoint already holds, kept for processes a few records behind. Only the end may be torn, and only without
     * its newline: an append a kill cut short, or one still being written.
     */
    static Journal journal(Path workspace, List<String> violations) throws IOException {
        Path path = workspace.resolve("task_locks/.journal");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (java.nio.file.NoSuchFileException e) {
            return new Journal(-1, 0, false);
        }
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        int lastNewline = text.lastIndexOf('\n');
        boolean torn = lastNewline < text.length() - 1;
        String[] lines = text.substring(0, lastNewline + 1).split("\n", -1);
        long base = -1;
        long seq = -1;
        int records = 0;
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (RuntimeException e) {
                violations.add("journal line " + (i + 1) + " is malformed: '" + abbreviate(line) + "'");
                continue;
            }
            if (i == 0) {
                if (node == null || !node.has("journal") || !node.path("base").isNumber()) {
                    violations.add("journal line 1 is not a header: '" + abbreviate(line) + "'");
                    return new Journal(-1, 0, torn);
                }
                base = node.get("base").asLong();
                seq = base;
                continue;
            }
            if (node == null || !node.path("seq").isNumber()) {
                violations.add("journal line " + (i + 1) + " is not a record: '" + abbreviate(line) + "'");
                continue;
            }
            long next = node.get("seq").asLong();
            boolean firstKept = i == 1 && next <= base;
            if (next != seq + 1 && !firstKept) {
                violations.add("journal record " + next + " follows " + seq + " (base " + base + ")");
            }
            seq = next;
            if (next > base) {
                records++;
            }
        }
        if (lines.length == 1 && !text.isEmpty()) {
            violations.add("the journal has no whole header line: '" + abbreviate(text) + "'");
        }
        return new Journal(base, records, torn);
    }

    /**
     * Whether the journal's header names the two files now in place, read under the workspace lock. False after a
     * kill between a checkpoint's renames and the journal's restart (until the next checkpoint): the files are then
     * newer than the header says, and every reader must notice. Call only while this JVM has no store at work.
     */
    static boolean headerNamesTheFiles(Path workspace) throws IOException {
        Path lockFile = workspace.resolve("task_locks/.workspace.lock");
        try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(lockFile,
                java.nio.file.StandardOpenOption.WRITE); var held = lock.lock()) {
            List<String> lines = Files.readAllLines(workspace.resolve("task_locks/.journal"));
            JsonNode header = JSON.readTree(lines.get(0));
            return header.path("queue").asString("").startsWith(fileKey(workspace.resolve("queue.json")) + "/")
                    && header.path("log").asString("").startsWith(fileKey(workspace.resolve("execution_log.json")) + "/");
        }
    }

    private static String fileKey(Path file) throws IOException {
        return String.valueOf(Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
    }

    private static String abbreviate(String line) {
        return line.length() > 120 ? line.substring(0, 120) + "…" : line;
    }
}
