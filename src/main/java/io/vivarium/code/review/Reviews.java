package io.vivarium.code.review;

import io.vivarium.code.git.Commits;
import io.vivarium.code.git.Git;
import io.vivarium.code.git.GitException;
import io.vivarium.code.git.Repository;
import io.vivarium.store.TaskEntry;
import io.vivarium.store.TaskStore;
import io.vivarium.store.UnknownTaskException;
import io.vivarium.task.CodeRun;
import io.vivarium.task.ReviewException;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The review verbs over a store and a workspace: what waits for review, a change's patch, accepting it into the
 * workspace's current branch (the only thing in Vivarium that touches the user's tree), rejecting it.
 */
public final class Reviews {

    private final TaskStore store;
    private final Path workspace;

    public Reviews(TaskStore store, Path workspace) {
        this.store = store;
        this.workspace = workspace;
    }

    /** What was accepted: the commit that brought the change into the current branch. */
    public record Accepted(String id, String branch, String commit, String into) {
    }

    /** Completed code grinds whose change waits for review, in queue order. */
    public List<TaskEntry> waiting() {
        var snapshot = store.snapshot();
        return snapshot.tasks().stream()
                .map(t -> new TaskEntry(t, snapshot.runOf(t.id())))
                .filter(e -> e.run() != null && e.run().status() == TaskStatus.COMPLETED)
                .filter(e -> e.run().code() != null && e.run().code().review() == CodeRun.Review.PENDING)
                .toList();
    }

    /** The change's patch as stored with its run (the same on every machine sharing the store). */
    public String patch(String id) {
        CodeRun code = code(id);
        if (code.commit() == null || code.patch() == null) {
            throw new ReviewException(id, id + " made no change: there is no diff");
        }
        return code.patch();
    }

    public Accepted accept(String id) {
        TaskEntry entry = store.find(id).orElseThrow(() -> new UnknownTaskException(id));
        TaskRun run = entry.run();
        // Refused before anything is touched: the same rule the store applies when it records the verdict.
        run.reviewed(id, CodeRun.Review.ACCEPTED, null);
        CodeRun code = run.code();
        Repository repo;
        try {
            repo = Repository.require(workspace);
        } catch (GitException e) {
            throw new ReviewException(id, e.getMessage());
        }
        String message = "Accept " + code.branch() + ": "
                + (entry.task().description() == null ? id : entry.task().description().strip())
                + "\n\nVivarium-Task: " + id + "\n";
        String merged = repo.lock().holding(() -> {
            refuseUnfinished(repo, id);
            return bringIn(repo, id, code, message);
        });
        store.review(id, CodeRun.Review.ACCEPTED, null);
        String into = repo.git().call("symbolic-ref", "-q", "--short", "HEAD").out().strip();
        return new Accepted(id, code.branch(), merged, into.isEmpty() ? "HEAD" : into);
    }

    /** Rejects the change; with {@code retry} the task runs again, its next attempt told the feedback. */
    public TaskRun reject(String id, boolean retry, String feedback) {
        TaskRun rejected = store.review(id, CodeRun.Review.REJECTED,
                feedback == null || feedback.isBlank() ? null : feedback.strip());
        if (retry) {
            store.retry(List.of(id));
            return store.find(id).map(TaskEntry::run).orElse(rejected);
        }
        return rejected;
    }

    private CodeRun code(String id) {
        TaskEntry entry = store.find(id).orElseThrow(() -> new UnknownTaskException(id));
        CodeRun code = entry.run() == null ? null : entry.run().code();
        if (code == null) {
            throw new ReviewException(id, id + " is not a code grind that has run: there is no diff");
        }
        return code;
    }

    /** What git leaves behind mid-operation; accept must neither build on it nor abort the user's own work. */
    private static final List<String> UNFINISHED = List.of("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD",
            "rebase-merge", "rebase-apply");

    private static void refuseUnfinished(Repository repo, String id) {
        for (String marker : UNFINISHED) {
            if (exists(repo.git(), marker)) {
                throw new ReviewException(id, "not accepted: a merge, cherry-pick, revert or rebase is in progress ("
                        + marker + "); finish or abort it first");
            }
        }
    }

    private static boolean exists(Git git, String gitPath) {
        String path = git.run("rev-parse", "--git-path", gitPath).strip();
        return Files.exists(git.directory().resolve(path));
    }

    private static void refuseDirty(Repository repo, String id, List<String> touched) {
        if (touched.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(List.of("status", "--porcelain", "--untracked-files=all", "--"));
        touched.forEach(path -> args.add(":(literal)" + path));
        List<String> paths = repo.git().run(args.toArray(String[]::new)).lines()
                .filter(l -> l.length() > 3).map(l -> l.substring(3)).toList();
        if (!paths.isEmpty()) {
            throw new ReviewException(id, "not accepted: uncommitted changes in " + String.join(", ", paths)
                    + ", which " + id + " changes; commit or stash them first");
        }
    }

    /** Merges the change's commit when this clone has it, else applies the stored patch; nothing left behind. */
    private static String bringIn(Repository repo, String id, CodeRun code, String message) {
        Git git = repo.git();
        if (!repo.hasCommit(code.commit())) {
            git.call("fetch", "-q", "origin", code.commit());
        }
        if (repo.hasCommit(code.commit())) {
            refuseDirty(repo, id, paths(git.run("diff", "--name-only", "-z", "--no-renames",
                    code.base() == null ? code.commit() + "^" : code.base(), code.commit())));
            Git.Result merged = git.call(Commits.identityEnv(git), "merge", "--no-ff", "-q", "-m", message,
                    code.commit());
            if (!merged.ok()) {
                String conflicts = git.call("diff", "--name-only", "--diff-filter=U").out().strip()
                        .replace('\n', ' ');
                if (exists(git, "MERGE_HEAD")) {
                    // Refused above when the user had one: this merge is Vivarium's own.
                    git.call("merge", "--abort");
                }
                throw new ReviewException(id, "not accepted: " + code.branch() + " does not apply cleanly"
                        + (conflicts.isEmpty() ? " (" + merged.firstErrorLine() + ")" : ": conflicts in " + conflicts));
            }
            return git.run("rev-parse", "HEAD").strip();
        }
        return applyPatch(repo, id, code, message);
    }

    private static String applyPatch(Repository repo, String id, CodeRun code, String message) {
        if (Commits.isTruncated(code.patch())) {
            throw new ReviewException(id, "not accepted: the stored patch was truncated and this clone lacks "
                    + code.commit() + "; fetch " + code.branch() + " first");
        }
        Git git = repo.git();
        Path file;
        try {
            file = Files.createTempFile("vivarium-accept-", ".patch");
            Files.writeString(file, code.patch(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ReviewException(id, "not accepted: cannot write the patch: " + e.getMessage());
        }
        try {
            // The commit takes the whole index: what the user staged would go in with the change.
            if (!git.call("diff", "--cached", "--quiet").ok()) {
                throw new ReviewException(id, "not accepted: the index has staged changes; commit or unstage them "
                        + "first");
            }
            Git.Result numstat = git.call("apply", "--numstat", "-z", file.toString());
            if (!numstat.ok()) {
                throw new ReviewException(id, "not accepted: the stored patch cannot be read ("
                        + numstat.firstErrorLine() + ")");
            }
            refuseDirty(repo, id, numstatPaths(numstat.out()));
            Git.Result check = git.call("apply", "--check", "--index", file.toString());
            if (!check.ok()) {
                throw new ReviewException(id, "not accepted: the change does not apply cleanly ("
                        + check.firstErrorLine() + ")");
            }
            git.run("apply", "--index", file.toString());
            Git.Result committed = git.call(Commits.identityEnv(git), "commit", "-q", "--no-verify", "-m", message);
            if (!committed.ok()) {
                // Nothing half-done: the index and the files go back to how the user left them.
                git.call("apply", "-R", "--index", file.toString());
                throw new GitException("git commit failed: " + committed.firstErrorLine());
            }
            return git.run("rev-parse", "HEAD").strip();
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // A temp file left behind is harmless.
            }
        }
    }

    private static List<String> paths(String nulSeparated) {
        return Arrays.stream(nulSeparated.split("\0")).filter(p -> !p.isEmpty()).distinct().toList();
    }

    /**
     * The paths in {@code git apply --numstat -z}: "added TAB deleted TAB path NUL", or for a rename an empty path
     * followed by "from NUL to NUL"; both sides of a rename count.
     */
    static List<String> numstatPaths(String numstat) {
        Set<String> paths = new LinkedHashSet<>();
        String[] fields = numstat.split("\0", -1);
        for (int i = 0; i < fields.length; i++) {
            String field = fields[i];
            int tab = field.indexOf('\t', field.indexOf('\t') + 1);
            if (tab < 0) {
                continue;
            }
            String path = field.substring(tab + 1);
            if (path.isEmpty() && i + 2 < fields.length) {
                paths.add(fields[++i]);
                paths.add(fields[++i]);
            } else if (!path.isEmpty()) {
                paths.add(path);
            }
        }
        return new ArrayList<>(paths);
    }
}
