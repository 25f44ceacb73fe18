package io.vivarium.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The workspace's {@code .env}: {@code KEY=value} lines, optionally {@code export}ed or quoted, {@code #} comments. */
public final class DotEnv {

    /** A settings file, not a data file: anything larger is a mistake, and reading it whole must stay cheap. */
    static final int MAX_BYTES = 64 * 1024;

    private static final Pattern LINE = Pattern.compile("^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*?)\\s*$");

    private DotEnv() {
    }

    /**
     * The values in {@code workspace/.env}; none when there is no such file. A {@code .env} that exists but cannot
     * be used (not a regular file, too large, unreadable) is an error: skipping it would silently drop a secret such
     * as {@code VIVARIUM_API_TOKEN}.
     */
    public static Map<String, String> read(Path workspace) {
        Path file = workspace.resolve(".env");
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException absent) {
            return Map.of();
        } catch (IOException e) {
            throw new SettingsException(file + ": cannot read (" + e.getMessage() + ")");
        }
        // A FIFO or a device would block or never end; only a plain file is opened.
        if (!attributes.isRegularFile()) {
            throw new SettingsException(file + ": not a regular file");
        }
        if (attributes.size() > MAX_BYTES) {
            throw new SettingsException(file + ": larger than " + MAX_BYTES / 1024 + " KiB; is it the right file?");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new SettingsException(file + ": larger than " + MAX_BYTES / 1024 + " KiB; is it the right file?");
            }
            return parse(new String(bytes, StandardCharsets.UTF_8).lines().toList());
        } catch (IOException e) {
            throw new SettingsException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    public static Map<String, String> parse(List<String> lines) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                values.put(m.group(1), unquote(m.group(2)));
            }
        }
        return values;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        int comment = value.indexOf(" #");
        return comment >= 0 ? value.substring(0, comment).strip() : value;
    }
}
