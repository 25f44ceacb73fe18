package io.vivarium.support;

import io.vivarium.code.git.Git;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A real git repository in a temp dir, for code grind tests; its .gitignore hides Vivarium's workspace files. */
public record UserRepo(Path root) {

    public static UserRepo init(Path dir) {
        UserRepo repo = new UserRepo(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        repo.git("init", "-q", "-b", "main");
        repo.git("config", "user.name", "Test User");
        repo.git("config", "user.email", "test@example.com");
        // Vivarium's workspace files, its temp files (a worker killed mid-write leaves one) included.
        repo.write(".gitignore", "queue.json\nexecution_log.json\ntask_locks/\ntask_logs/\n*.corrupt-*\n.env\n.*.tmp\n");
        return repo;
    }

    public String git(String... args) {
        return new Git(root).run(args);
    }

    public UserRepo write(String path, String content) {
        try {
            Path file = root.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String read(String path) {
        try {
            return Files.readString(root.resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String commitAll(String message) {
        git("add", "-A");
        git("commit", "-q", "-m", message);
        return head();
    }

    public String head() {
        return git("rev-parse", "HEAD").strip();
    }

    public List<String> log(String ref) {
        return git("log", "--format=%H %s", ref).lines().toList();
    }

    /** What nothing but accept may change: the working tree and index, HEAD, and every branch outside vivarium/*. */
    public UserState userState() {
        String branches = git("for-each-ref", "--format=%(refname) %(objectname)", "refs/heads/").lines()
                .filter(l -> !l.startsWith("refs/heads/vivarium/")).reduce("", (a, b) -> a + b + "\n");
        return new UserState(git("status", "--porcelain", "--untracked-files=all"), head(),
                git("symbolic-ref", "-q", "HEAD").strip(), branches);
    }

    public record UserState(String status, String head, String headRef, String branches) {
    }
}
