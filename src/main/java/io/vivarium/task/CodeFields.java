package io.vivarium.task;

import java.util.LinkedHashSet;
import java.util.List;

/** The rules for a code grind's {@code files}: paths relative to the repository's root that stay inside it. */
public final class CodeFields {

    private static final int MAX_PATH_LENGTH = 1_000;

    private CodeFields() {
    }

    static List<String> checkFiles(List<String> files) {
        if (files == null || files.isEmpty()) {
            return List.of();
        }
        if (files.size() > Task.MAX_FILES) {
            throw new InvalidTaskException("files", "files names more than " + Task.MAX_FILES + " paths");
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (String file : files) {
            unique.add(checkPath(file));
        }
        return List.copyOf(unique);
    }

    /** Whether {@code path} may stand in a task's {@code files}: relative, without {@code ..}, not too long. */
    public static boolean isRepositoryPath(String path) {
        try {
            checkPath(path);
            return true;
        } catch (InvalidTaskException e) {
            return false;
        }
    }

    private static String checkPath(String path) {
        if (path == null || path.isBlank()) {
            throw new InvalidTaskException("files", "files holds an empty path");
        }
        if (path.length() > MAX_PATH_LENGTH) {
            throw new InvalidTaskException("files", "a path in files is longer than " + MAX_PATH_LENGTH);
        }
        String normal = path.replace('\\', '/');
        if (normal.startsWith("/") || normal.matches("^[A-Za-z]:.*") || path.indexOf('\0') >= 0) {
            throw new InvalidTaskException("files", "files must be relative paths (got '" + path + "')");
        }
        for (String segment : normal.split("/")) {
            if (segment.equals("..")) {
                throw new InvalidTaskException("files", "files must not contain '..' (got '" + path + "')");
            }
        }
        return path;
    }
}
