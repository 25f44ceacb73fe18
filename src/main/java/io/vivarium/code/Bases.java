package io.vivarium.code;

import io.vivarium.code.git.Commits;
import io.vivarium.code.git.Git;
import io.vivarium.code.git.Repository;
import io.vivarium.code.git.Worktree;
import io.vivarium.task.CodeRun;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where a code grind starts: the result commit of the code task it depends on; the merge of several such commits;
 * else the workspace's {@code HEAD} now. A commit this clone lacks (another machine made it) is fetched from
 * {@code origin} once.
 */
final class Bases {

    /** A base that cannot be had: the grind fails with this message and does not retry. */
    static final class NoBase extends RuntimeException {
        NoBase(String message) {
            super(message);
        }
    }

    private final Repository repository;
    private final Function<String, Optional<TaskRun>> runs;

    Bases(Repository repository, Function<String, Optional<TaskRun>> runs) {
        this.repository = repository;
        this.runs = runs;
    }

    /** The commits the task's code dependencies made, in dependency order, each present in this clone. */
    List<String> dependencyCommits(Task task) {
        LinkedHashSet<String> commits = new LinkedHashSet<>();
        for (String dep : task.dependsOn()) {
            CodeRun code = runs.apply(dep).map(TaskRun::code).orElse(null);
            if (code != null && code.commit() != null) {
                commits.add(present(code.commit(), dep));
            }
        }
        return new ArrayList<>(commits);
    }

    String head() {
        return repository.head().orElseThrow(() -> new NoBase(
                "the repository has no commit yet: commit something before running worktree tasks"));
    }

    /**
     * Merges the other dependency commits into the worktree (which starts at the first); a conflict fails the
     * task naming the paths. Returns the merge commit, the grind's base.
     */
    static String merge(Worktree tree, List<String> others, String taskId) {
        Git git = tree.git();
        for (String commit : others) {
            Git.Result merged = git.call(Commits.identityEnv(git), "merge", "--no-ff", "--no-edit", "-q",
                    "-m", "Vivarium: base of " + taskId + " (merge " + commit + ")", commit);
            if (!merged.ok()) {
                String paths = git.call("diff", "--name-only", "--diff-filter=U").out().strip().replace('\n', ' ');
                git.call("merge", "--abort");
                throw new NoBase("the commits this task depends on conflict"
                        + (paths.isEmpty() ? ": " + merged.firstErrorLine() : " in " + paths));
            }
        }
        return git.run("rev-parse", "HEAD").strip();
    }

    private String present(String commit, String dep) {
        if (repository.hasCommit(commit)) {
            return commit;
        }
        repository.lock().holding(() -> repository.git().call("fetch", "-q", "origin", commit));
        if (!repository.hasCommit(commit)) {
            throw new NoBase("the base commit " + commit + " (of " + dep + ") is not in this clone and could not be "
                    + "fetched from origin");
        }
        return commit;
    }

}
