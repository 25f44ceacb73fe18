package io.vivarium.code.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/** A file's text for the model: numbered lines, a bounded part at a time, never a binary file. */
final class FileReading {

    static final int MAX_FILE_BYTES = 2 * 1024 * 1024;
    static final int MAX_LINES = 400;
    static final int MAX_CHARS = 30_000;

    private FileReading() {
    }

    /** The whole text of a file the agent may edit; a binary or huge file is an error the model can act on. */
    static String text(Path file, WorktreePaths paths) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new ToolError("'" + paths.show(file) + "' is not a file"
                    + (Files.isDirectory(file) ? " but a directory; use list_files" : ""));
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new ToolError("'" + paths.show(file) + "' is larger than " + MAX_FILE_BYTES / (1024 * 1024)
                    + " MiB");
        }
        for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
            if (bytes[i] == 0) {
                throw new ToolError("'" + paths.show(file) + "' is a binary file");
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Lines {@code start..end} (1-based, inclusive; defaults: the whole file), numbered, cut at the bounds. */
    static String read(WorktreePaths paths, Path file, Integer start, Integer end) throws IOException {
        List<String> lines = text(file, paths).lines().toList();
        return numbered(paths.show(file), lines, start, end, MAX_CHARS);
    }

    static String numbered(String name, List<String> lines, Integer start, Integer end, int maxChars) {
        int total = lines.size();
        if (total == 0) {
            return name + " is empty";
        }
        int from = start == null ? 1 : Math.max(1, start);
        if (from > total) {
            throw new ToolError(name + " has " + total + " lines; start_line " + from + " is past its end");
        }
        int to = Math.min(total, end == null ? total : Math.max(from, end));
        int width = String.valueOf(to).length();
        StringBuilder out = new StringBuilder();
        int shown = from - 1;
        for (int i = from; i <= to && i - from < MAX_LINES; i++) {
            String line = String.format("%" + width + "d| %s%n", i, lines.get(i - 1));
            if (out.length() + line.length() > maxChars && i > from) {
                break;
            }
            out.append(line);
            shown = i;
        }
        if (shown < to || (from > 1 || to < total)) {
            out.append("(lines ").append(from).append('-').append(shown).append(" of ").append(total);
            if (shown < total) {
                out.append("; read on with start_line=").append(shown + 1);
            }
            out.append(")\n");
        }
        return out.toString();
    }
}
