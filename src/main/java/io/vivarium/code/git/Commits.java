package io.vivarium.code.git;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Commits what a grind changed in its worktree, as the repository's configured identity or else
 * {@code Vivarium <vivarium@localhost>}, with the repository's hooks off; and reads what a commit changed.
 */
public final class Commits {

    public static final int PATCH_LIMIT = 1024 * 1024;
    static final String NAME = "Vivarium";
    static final String EMAIL = "vivarium@localhost";

    private Commits() {
    }

    /** What a commit changed against its base. */
    public record Stat(int files, int insertions, int deletions, List<String> paths) {
    }

    /** Commits everything changed, new and deleted in the worktree; empty when nothing changed. */
    public static Optional<String> commitAll(Worktree tree, String message) {
        Git git = tree.git();
        git.run("add", "-A", "--", ".");
        if (git.call("diff", "--cached", "--quiet").ok()) {
            return Optional.empty();
        }
        Git.Result committed = git.call(identity(git), "commit", "-q", "--no-verify", "--no-gpg-sign", "-m", message);
        if (!committed.ok()) {
            throw new GitException("git commit failed in " + tree.path() + ": " + committed.firstErrorLine());
        }
        return Optional.of(git.run("rev-parse", "HEAD").strip());
    }

    /** The commit message: the description, a blank line, and the trailer naming the task. */
    public static String message(String taskId, String description) {
        String subject = description == null || description.isBlank() ? "Vivarium task " + taskId : description.strip();
        return subject + "\n\nVivarium-Task: " + taskId + "\n";
    }

    public static Stat stat(Git git, String base, String commit) {
        String numstat = git.run("diff", "--numstat", "--no-renames", base, commit);
        int files = 0;
        int ins = 0;
        int del = 0;
        List<String> paths = new ArrayList<>();
        for (String line : numstat.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] cols = line.split("\t", 3);
            files++;
            ins += cols[0].equals("-") ? 0 : Integer.parseInt(cols[0]);
            del += cols[1].equals("-") ? 0 : Integer.parseInt(cols[1]);
            paths.add(cols[2]);
        }
        return new Stat(files, ins, del, List.copyOf(paths));
    }

    /** The change as a patch {@code git apply} takes, cut at {@link #PATCH_LIMIT} bytes with a note saying so. */
    public static String patch(Git git, String base, String commit) {
        String patch = git.run("diff", "--binary", "--no-color", "--no-ext-diff", "--no-relative",
                "--src-prefix=a/", "--dst-prefix=b/", base, commit);
        byte[] bytes = patch.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= PATCH_LIMIT) {
            return patch;
        }
        String cut = new String(bytes, 0, PATCH_LIMIT, StandardCharsets.UTF_8);
        cut = cut.substring(0, Math.max(0, cut.lastIndexOf('\n') + 1));
        return cut + truncationNote(bytes.length);
    }

    public static String truncationNote(int size) {
        // Git's output is read no further than one byte past the limit: the size is a lower bound then.
        return "\n[patch truncated: " + (size > PATCH_LIMIT ? "over " + PATCH_LIMIT : size)
                + " bytes, only the first " + PATCH_LIMIT + " kept; see the branch for the whole change]\n";
    }

    public static boolean isTruncated(String patch) {
        return patch != null && patch.contains("\n[patch truncated: ");
    }

    /** The configured identity when the repository has one, else Vivarium's, as git's environment variables. */
    public static Map<String, String> identityEnv(Git git) {
        return identity(git);
    }

    private static Map<String, String> identity(Git git) {
        Map<String, String> env = new HashMap<>();
        String configured = git.call("config", "--get-regexp", "^user\\.(name|email)$").out();
        if (!configured.contains("user.name ")) {
            env.put("GIT_AUTHOR_NAME", NAME);
            env.put("GIT_COMMITTER_NAME", NAME);
        }
        if (!configured.contains("user.email ")) {
            env.put("GIT_AUTHOR_EMAIL", EMAIL);
            env.put("GIT_COMMITTER_EMAIL", EMAIL);
        }
        return env;
    }
}
