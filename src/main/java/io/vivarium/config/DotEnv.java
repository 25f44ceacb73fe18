package io.vivarium.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The workspace's {@code .env}: {@code KEY=value} lines, optionally {@code export}ed or quoted, {@code #} comments.
 * The environment always wins: a key the environment sets is never taken from the file.
 */
public final class DotEnv {

    /** Far more than any real {@code .env}. */
    private static final int MAX_BYTES = 1 << 20;
    private static final Pattern LINE = Pattern.compile("^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*?)\\s*$");

    private DotEnv() {
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

    /**
     * Makes the file's values visible as system properties, which picocli defaults ({@code ${KEY:-default}}) and
     * Spring placeholders both consult, for every key the environment does not set.
     */
    public static void exposeAsSystemProperties(Path workspace, Map<String, String> environment) {
        Path file = workspace.resolve(".env");
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            parse(readLines(file)).forEach((key, value) -> {
                if (!environment.containsKey(key) && System.getProperty(key) == null) {
                    System.setProperty(key, value);
                }
            });
        } catch (IOException e) {
            // An unreadable .env is the same as none; the environment still applies.
        }
    }

    /** The workspace named on the command line, in the environment, or the current directory. */
    public static Path workspaceFrom(String[] args, Map<String, String> environment) {
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("--workspace") || args[i].equals("-w")) && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--workspace=")) {
                return Path.of(args[i].substring("--workspace=".length()));
            }
        }
        String env = environment.get("VIVARIUM_WORKSPACE");
        return Path.of(env == null || env.isBlank() ? "." : env);
    }

    /**
     * The file's lines, if it is of a sane size: a huge file (or a link to one) would exhaust the heap. The caller
     * has checked it is a regular file, since opening a named pipe blocks until someone writes to it. A link is
     * followed: a user may keep {@code .env} in another folder and link it here, and reading changes nothing there.
     */
    private static List<String> readLines(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            if (in.size() > MAX_BYTES) {
                throw new IOException(file + " is larger than " + MAX_BYTES + " bytes");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) in.size());
            while (buffer.hasRemaining() && in.read(buffer) > 0) {
                // read until the buffer is full or the file ends
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).lines().toList();
        }
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
