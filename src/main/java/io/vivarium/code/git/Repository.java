package io.vivarium.code.git;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The git repository a workspace lives in: its working tree's root and its shared git directory, where Vivarium
 * keeps its worktrees ({@code vivarium/worktrees}, inside {@code .git}, so never in the user's {@code git status})
 * and the lock that serializes what touches git's shared files.
 */
public final class Repository {

    private final Path root;
    private final Path commonDir;
    private final GitLock lock;

    private Repository(Path root, Path commonDir) {
        this.root = root;
        this.commonDir = commonDir;
        this.lock = GitLock.of(commonDir.resolve("vivarium").resolve("git.lock"));
    }

    /** The repository holding {@code workspace}, or empty when it is not in one. Throws when git is missing. */
    public static Optional<Repository> find(Path workspace) {
        Path dir = workspace.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Git git = new Git(dir);
        Git.Result top = git.call("rev-parse", "--show-toplevel", "--git-common-dir");
        if (!top.ok()) {
            if (!Git.installed()) {
                throw new GitException("git is not installed or not on the PATH; install git to use code grinds");
            }
            return Optional.empty();
        }
        String[] lines = top.out().strip().split("\n");
        if (lines.length < 2) {
            return Optional.empty();
        }
        Path root = Path.of(lines[0]);
        Path common = Path.of(lines[1]);
        common = common.isAbsolute() ? common : dir.resolve(common);
        return Optional.of(new Repository(root, common.normalize()));
    }

    /** The repository holding {@code workspace}; a {@link GitException} saying so when there is none. */
    public static Repository require(Path workspace) {
        return find(workspace).orElseThrow(() -> new GitException("the workspace " + workspace
                + " is not a git repository: worktree tasks need one (git init, and a first commit)"));
    }

    public Path root() {
        return root;
    }

    public Path commonDir() {
        return commonDir;
    }

    public Path worktrees() {
        return commonDir.resolve("vivarium").resolve("worktrees");
    }

    public GitLock lock() {
        return lock;
    }

    public Git git() {
        return new Git(root);
    }

    /** The commit {@code HEAD} names, or empty in a repository without commits. */
    public Optional<String> head() {
        Git.Result r = git().call("rev-parse", "--verify", "-q", "HEAD^{commit}");
        return r.ok() ? Optional.of(r.out().strip()) : Optional.empty();
    }

    public boolean hasCommit(String sha) {
        return git().call("cat-file", "-e", sha + "^{commit}").ok();
    }
}
