package io.vivarium.code.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one gate between a model's path and the file system: relative paths only, no {@code ..}, nothing in
 * {@code .git}, and every existing part resolved with its real path so that a symlink cannot lead out.
 */
final class WorktreePaths {

    private final Path root;

    WorktreePaths(Path worktree) {
        try {
            this.root = worktree.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the worktree " + worktree, e);
        }
    }

    Path root() {
        return root;
    }

    /**
     * The real path a model's relative path names, inside the worktree and outside {@code .git}. The file need
     * not exist; its nearest existing ancestor is resolved instead, so a file about to be created cannot land
     * behind a symlinked directory.
     */
    Path resolve(String path) {
        if (path == null || path.isBlank()) {
            throw new ToolError("a path is required (relative to the repository's root, e.g. \"src/app.py\")");
        }
        if (path.indexOf('\0') >= 0) {
            throw new ToolError("the path holds a NUL character");
        }
        String normal = path.strip().replace('\\', '/');
        if (normal.startsWith("/") || normal.startsWith("~") || normal.matches("^[A-Za-z]:.*")) {
            throw new ToolError("'" + path + "' is an absolute path; use a path relative to the repository's root");
        }
        for (String segment : normal.split("/")) {
            if (segment.equals("..")) {
                throw new ToolError("'" + path + "' uses '..'; paths must stay inside the repository");
            }
            if (segment.toLowerCase(Locale.ROOT).equals(".git")) {
                throw new ToolError("'" + path + "' is inside .git, which is off limits");
            }
        }
        Path wanted = root.resolve(normal).normalize();
        if (!wanted.startsWith(root)) {
            throw new ToolError("'" + path + "' is outside the repository");
        }
        Path existing = wanted;
        while (!existing.equals(root) && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        Path real;
        try {
            real = existing.toRealPath();
        } catch (IOException dangling) {
            throw new ToolError("'" + path + "' is behind a symlink that leads nowhere");
        }
        if (!real.startsWith(root)) {
            throw new ToolError("'" + path + "' leads outside the repository through a symlink");
        }
        if (real.startsWith(root.resolve(".git")) || isGitFile(real)) {
            throw new ToolError("'" + path + "' leads into .git, which is off limits");
        }
        return real.resolve(existing.relativize(wanted));
    }

    /** The path as the model should see it: relative to the root, with forward slashes. */
    String show(Path real) {
        String shown = root.relativize(real).toString().replace('\\', '/');
        return shown.isEmpty() ? "." : shown;
    }

    private boolean isGitFile(Path real) {
        for (Path p = real; p != null && p.startsWith(root); p = p.getParent()) {
            if (p.getFileName() != null && p.getFileName().toString().equalsIgnoreCase(".git")) {
                return true;
            }
        }
        return false;
    }
}
