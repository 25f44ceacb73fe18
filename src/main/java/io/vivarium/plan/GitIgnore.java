package io.vivarium.plan;

import java.io.IOException;
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

    private final List<Rule> rules;

    private GitIgnore(List<Rule> rules) {
        this.rules = rules;
    }

    static GitIgnore none() {
        return new GitIgnore(List.of());
    }

    static GitIgnore of(Path workspace) {
        Path file = workspace.resolve(".gitignore");
        if (!Files.isRegularFile(file)) {
            return none();
        }
        try {
            return parse(Files.readAllLines(file));
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
