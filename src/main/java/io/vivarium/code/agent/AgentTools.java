package io.vivarium.code.agent;

import io.vivarium.llm.ToolCall;
import io.vivarium.llm.ToolSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The six tools of SPEC's table, offered to the model and answered for it. Every call gets an answer; a call
 * that is unknown, malformed or reaches outside the worktree is answered with an error and changes nothing.
 */
final class AgentTools {

    /** What one call did: the text for the model, and the summary when it was {@code finish}. */
    record Answer(String text, boolean finished, String summary) {

        static Answer of(String text) {
            return new Answer(text, false, null);
        }
    }

    static final int MAX_WRITE_CHARS = 1024 * 1024;
    static final int MAX_CHECK_OUTPUT_CHARS = 8_000;
    static final int MAX_SUMMARY_CHARS = 4_000;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, Object> STRING = Map.of("type", "string");
    private static final Map<String, Object> INTEGER = Map.of("type", "integer");

    static final List<ToolSpec> SPECS = List.of(
            new ToolSpec("list_files", "List the files under a directory of the repository (default: the root), "
                    + "tracked and new.", schema(Map.of("path", STRING), List.of())),
            new ToolSpec("read_file", "Read a file's lines, numbered. Large files come in parts: pass start_line "
                    + "and end_line (1-based, inclusive) for more.",
                    schema(Map.of("path", STRING, "start_line", INTEGER, "end_line", INTEGER), List.of("path"))),
            new ToolSpec("write_file", "Create a file or replace its whole content.",
                    schema(Map.of("path", STRING, "content", STRING), List.of("path", "content"))),
            new ToolSpec("replace_in_file", "Replace the one exact occurrence of `old` in a file with `new`. "
                    + "`old` must appear exactly once: include enough surrounding lines to make it unique.",
                    schema(Map.of("path", STRING, "old", STRING, "new", STRING), List.of("path", "old", "new"))),
            new ToolSpec("run_check", "Run the project's check (its tests) on the current files: exit code and "
                    + "the end of its output.", schema(Map.of(), List.of())),
            new ToolSpec("finish", "End the task once the change is made and the check passes: a short summary "
                    + "of what you changed and why.", schema(Map.of("summary", STRING), List.of("summary"))));

    private final WorktreePaths paths;
    private final FileListing listing;
    private final CheckRunner check;

    AgentTools(WorktreePaths paths, CheckRunner check) {
        this.paths = paths;
        this.listing = new FileListing(paths);
        this.check = check;
    }

    Answer call(ToolCall call) {
        JsonNode args;
        try {
            args = arguments(call.arguments());
        } catch (ToolError e) {
            return Answer.of("error: " + e.getMessage());
        }
        try {
            return switch (call.name()) {
                case "list_files" -> Answer.of(listing.list(optionalText(args, "path")));
                case "read_file" -> Answer.of(FileReading.read(paths, paths.resolve(text(args, "path")),
                        integer(args, "start_line"), integer(args, "end_line")));
                case "write_file" -> Answer.of(write(text(args, "path"), text(args, "content")));
                case "replace_in_file" -> Answer.of(replace(text(args, "path"), text(args, "old"),
                        text(args, "new")));
                case "run_check" -> Answer.of(runCheck());
                case "finish" -> finish(text(args, "summary"));
                default -> Answer.of("error: there is no tool '" + call.name() + "'; the tools are list_files, "
                        + "read_file, write_file, replace_in_file, run_check and finish");
            };
        } catch (ToolError e) {
            return Answer.of("error: " + e.getMessage());
        } catch (IOException e) {
            return Answer.of("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private String write(String path, String content) throws IOException {
        if (content.length() > MAX_WRITE_CHARS) {
            throw new ToolError("content is longer than " + MAX_WRITE_CHARS + " characters");
        }
        Path file = paths.resolve(path);
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new ToolError("'" + paths.show(file) + "' is a directory");
        }
        boolean existed = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
        if (existed && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new ToolError("'" + paths.show(file) + "' is not a regular file");
        }
        // The parents were checked as real paths; creating them cannot leave the worktree.
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        long lines = content.isEmpty() ? 0 : content.lines().count();
        return (existed ? "replaced " : "created ") + paths.show(file) + " (" + lines + " lines)";
    }

    private String replace(String path, String old, String replacement) throws IOException {
        if (old.isEmpty()) {
            throw new ToolError("old is empty; give the exact text to replace");
        }
        Path file = paths.resolve(path);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new ToolError("'" + paths.show(file) + "' is not a file; use write_file to create it");
        }
        String text = FileReading.text(file, paths);
        int first = text.indexOf(old);
        if (first < 0) {
            throw new ToolError("old was not found in " + paths.show(file) + " (whitespace and indentation "
                    + "must match exactly; read_file it and copy the lines)");
        }
        int second = text.indexOf(old, first + 1);
        if (second >= 0) {
            int count = 0;
            StringBuilder lines = new StringBuilder();
            for (int at = first; at >= 0 && count < 100; at = text.indexOf(old, at + 1)) {
                if (count < 5) {
                    lines.append(count == 0 ? "" : ", ").append(lineOf(text, at));
                }
                count++;
            }
            throw new ToolError("old occurs " + count + " times in " + paths.show(file) + " (at lines " + lines
                    + "); include more surrounding lines so that it is unique");
        }
        String changed = text.substring(0, first) + replacement + text.substring(first + old.length());
        if (changed.length() > MAX_WRITE_CHARS) {
            throw new ToolError("the file would be longer than " + MAX_WRITE_CHARS + " characters");
        }
        Files.writeString(file, changed, StandardCharsets.UTF_8);
        return "replaced 1 occurrence in " + paths.show(file) + " at line " + lineOf(text, first);
    }

    private String runCheck() {
        CheckOutcome outcome = check.run();
        if (outcome.command() == null) {
            return "no check is configured for this repository: " + outcome.output();
        }
        String output = outcome.output() == null ? "" : outcome.output();
        if (output.length() > MAX_CHECK_OUTPUT_CHARS) {
            output = "…" + output.substring(output.length() - MAX_CHECK_OUTPUT_CHARS);
        }
        String verdict = outcome.exitCode() == null ? "was stopped before it finished"
                : (outcome.passed() ? "passed" : "failed") + " (exit code " + outcome.exitCode() + ")";
        return "check `" + outcome.command() + "` " + verdict + " in " + String.format("%.1f", outcome.seconds())
                + " s\n" + output;
    }

    private static Answer finish(String summary) {
        String text = summary.strip();
        if (text.isEmpty()) {
            throw new ToolError("summary is empty; say what you changed");
        }
        if (text.length() > MAX_SUMMARY_CHARS) {
            text = text.substring(0, MAX_SUMMARY_CHARS) + "…";
        }
        return new Answer("finished", true, text);
    }

    private static int lineOf(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static JsonNode arguments(String raw) {
        if (raw == null || raw.isBlank()) {
            return JSON.createObjectNode();
        }
        JsonNode node;
        try {
            node = JSON.readTree(raw);
        } catch (JacksonException e) {
            throw new ToolError("the arguments are not valid JSON (" + e.getOriginalMessage().lines().findFirst()
                    .orElse("") + "); send one JSON object, e.g. {\"path\": \"src/app.py\"}");
        }
        if (!node.isObject()) {
            throw new ToolError("the arguments must be one JSON object, e.g. {\"path\": \"src/app.py\"}");
        }
        return node;
    }

    private static String text(JsonNode args, String name) {
        JsonNode value = args.get(name);
        if (value == null || value.isNull()) {
            throw new ToolError("missing argument '" + name + "'");
        }
        if (!value.isString()) {
            throw new ToolError("argument '" + name + "' must be a string");
        }
        return value.asString();
    }

    private static String optionalText(JsonNode args, String name) {
        JsonNode value = args.get(name);
        return value == null || value.isNull() ? null : text(args, name);
    }

    private static Integer integer(JsonNode args, String name) {
        JsonNode value = args.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToInt()) {
            return value.asInt();
        }
        // Models often quote numbers; "12" means 12.
        if (value.isString() && value.asString().strip().matches("\\d{1,9}")) {
            return Integer.parseInt(value.asString().strip());
        }
        throw new ToolError("argument '" + name + "' must be a whole number");
    }

    private static Map<String, Object> schema(Map<String, Object> properties, List<String> required) {
        return Map.of("type", "object", "properties", properties, "required", required);
    }
}
