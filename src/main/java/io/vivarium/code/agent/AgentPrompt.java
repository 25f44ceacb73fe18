package io.vivarium.code.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The agent's instructions and its first message: the task, the repository map and the task's files. */
final class AgentPrompt {

    static final int MAX_FILES_CHARS = 24_000;
    static final int MAX_PREVIOUS_CHARS = 6_000;

    static final String SYSTEM = """
            You are a careful software engineer changing code in a git repository through tools. Work in small \
            steps: read the code you need (read_file, list_files), make the smallest change that does the task \
            (replace_in_file for edits, write_file for new files), then run_check to run the project's tests. \
            If the check fails, read its output, fix the cause, and run it again. When the change is done and the \
            check passes, call finish with a one-paragraph summary of what you changed and why. Every path is \
            relative to the repository's root; .git and anything outside the repository are off limits. Always \
            answer with a tool call.""";

    static final String NUDGE = "Answer with a tool call: make the change with the tools, run_check, and call "
            + "finish with a summary when it passes.";

    private AgentPrompt() {
    }

    static String firstMessage(EditTask task, WorktreePaths paths, String repositoryMap) {
        StringBuilder out = new StringBuilder();
        out.append("Task ").append(task.taskId()).append(": ")
                .append(task.description() == null ? "" : task.description()).append('\n');
        if (task.prompt() != null && !task.prompt().isBlank() && !task.prompt().equals(task.description())) {
            out.append('\n').append(task.prompt().strip()).append('\n');
        }
        if (task.previousCheck() != null && !task.previousCheck().isBlank()) {
            out.append("\nA previous attempt at this task failed its check. The end of the check's output:\n```\n")
                    .append(tail(task.previousCheck(), MAX_PREVIOUS_CHARS)).append("\n```\n");
        }
        if (task.feedback() != null && !task.feedback().isBlank()) {
            out.append("\nA reviewer rejected the previous attempt with this feedback:\n")
                    .append(tail(task.feedback(), MAX_PREVIOUS_CHARS)).append('\n');
        }
        out.append("\nThe repository (source files: lines, whether tests cover them, definitions):\n")
                .append(repositoryMap);
        if (!task.files().isEmpty()) {
            out.append("\nThe files this task concerns:\n").append(files(task, paths));
        }
        return out.toString();
    }

    private static String files(EditTask task, WorktreePaths paths) {
        StringBuilder out = new StringBuilder();
        for (String name : task.files()) {
            int room = MAX_FILES_CHARS - out.length();
            if (room < 200) {
                out.append("(more files not shown: read them with read_file)\n");
                break;
            }
            try {
                Path file = paths.resolve(name);
                if (!Files.exists(file)) {
                    out.append("\n").append(name).append(": does not exist yet\n");
                    continue;
                }
                String text = FileReading.text(file, paths);
                out.append("\n=== ").append(name).append(" ===\n")
                        .append(FileReading.numbered(name, text.lines().toList(), null, null, room - 100));
            } catch (ToolError | IOException e) {
                out.append("\n").append(name).append(": ").append(e.getMessage()).append('\n');
            }
        }
        return out.toString();
    }

    private static String tail(String text, int max) {
        String t = text.strip();
        return t.length() <= max ? t : "…" + t.substring(t.length() - max);
    }
}
