package io.vivarium.plan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * The workspace's root {@code .gitignore}, for the scanner: comments, {@code !} negation, a trailing {@code /} for
 * directories only, a leading or inner {@code /} to anchor at the root, {@code *}, {@code ?} and {@code **}. The
 * last matching rule wins, as in git.
 */
final class GitIgnore {

    private record Rule(List<PathMatcher> matchers, boolean negated, boolean directoryOnly) {
    }

    /** Far beyond any hand-written file; a bigger one is read only this far. */
    static final int MAX_BYTES = 1 << 20;

    private final List<Rule> rules;

    private GitIgnore(List<Rule> rules) {
        this.rules = rules;
    }

    static GitIgnore none() {
        return new GitIgnore(List.of());
    }

    /**
     * Reads the root {@code .gitignore} as git (2.32 and later) does: a symbolic link is not followed, so a link to
     * a file elsewhere (or to a device) is not read. Only its first {@link #MAX_BYTES} are read; rules past them
     * are not applied.
     */
    static GitIgnore of(Path workspace) {
        Path file = workspace.resolve(".gitignore");
        try {
            if (!Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile()) {
                return none();
            }
            byte[] head;
            // NOFOLLOW again when opening: the file may have been replaced by a link since it was looked at.
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                head = in.readNBytes(MAX_BYTES + 1);
            }
            String text = new String(head, 0, Math.min(head.length, MAX_BYTES), StandardCharsets.UTF_8);
            if (head.length > MAX_BYTES) {
                // The last line was cut by the bound: a partial rule would match what the user never wrote.
                text = text.substring(0, text.lastIndexOf('\n') + 1);
            }
            return parse(text.lines().toList());
        } catch (IOException e) {
            return none();
        }
    }

    static GitIgnore parse(List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean negated = line.startsWith("!");
            if (negated) {
                line = line.substring(1);
            }
            boolean directoryOnly = line.endsWith("/");
            line = line.replaceAll("/+$", "");
            boolean anchored = line.startsWith("/") || line.contains("/");
            line = line.replaceAll("^/+", "");
            if (line.isEmpty()) {
                continue;
            }
            String glob = line.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}");
            List<PathMatcher> matchers = new ArrayList<>();
            var fs = FileSystems.getDefault();
            matchers.add(fs.getPathMatcher("glob:" + glob));
            if (!anchored) {
                matchers.add(fs.getPathMatcher("glob:**/" + glob));
            }
            rules.add(new Rule(matchers, negated, directoryOnly));
        }
        return new GitIgnore(rules);
    }

    /** Whether a path relative to the workspace is ignored, given whether it is a directory. */
    boolean ignores(Path relative, boolean directory) {
        boolean ignored = false;
        for (Rule rule : rules) {
            if (rule.directoryOnly() && !directory) {
                continue;
            }
            for (PathMatcher matcher : rule.matchers()) {
                if (matcher.matches(relative)) {
                    ignored = !rule.negated();
                    break;
                }
            }
        }
        return ignored;
    }
}
