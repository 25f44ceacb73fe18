package io.vivarium.code.git;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.FileVisitResult;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Creates and removes the grinds' worktrees in {@code .git/vivarium/worktrees/<id>}, each on branch
 * {@code vivarium/<id>}. Each worktree has an owner file naming the process that made it, so that whoever finds a
 * worktree whose owner died ({@code kill -9}) removes it: the next grind of the same task, and every start.
 * Only git's metadata changes happen under the repository's {@link GitLock}; filling the worktree's files happens
 * outside it, in the worktree's own index, so eight workers do not wait on each other's checkouts.
 */
public final class Worktrees {

    public static final String BRANCH_PREFIX = "vivarium/";
    // java.lang's logger: this package depends on nothing but the JDK (ArchitectureTest).
    private static final System.Logger log = System.getLogger(Worktrees.class.getName());
    private static final String TRASH = ".trash-";

    private final Repository repository;

    public Worktrees(Repository repository) {
        this.repository = repository;
    }

    public static String branchOf(String taskId) {
        return BRANCH_PREFIX + taskId;
    }

    /** A fresh worktree for the task at {@code base}, its branch reset there; a stale one of the task's goes first. */
    public Worktree create(String taskId, String base) {
        Path path = repository.worktrees().resolve(taskId);
        String branch = branchOf(taskId);
        repository.lock().holding(() -> {
            if (Files.exists(path) || Files.exists(ownerFile(path))) {
                removeLocked(path);
            }
            writeOwner(path);
            Git.Result added = repository.git().call("worktree", "add", "--no-checkout", "-B", branch,
                    path.toString(), base);
            if (!added.ok()) {
                // A worktree git still lists (its directory deleted by hand) keeps the branch checked out: drop it.
                pruneOwn();
                repository.git().run("worktree", "add", "--no-checkout", "-B", branch, path.toString(), base);
            }
        });
        Worktree tree = new Worktree(path, branch, base);
        try {
            tree.git().run("reset", "--hard", "-q", base);
        } catch (GitException e) {
            remove(tree);
            throw e;
        }
        return tree;
    }

    /**
     * Removes the worktree and its directory; the branch stays. The files go outside the lock (the directory is
     * renamed aside first, so git sees the worktree gone at once); only git's note of it is pruned under the lock.
     */
    public void remove(Worktree tree) {
        Path path = tree.path();
        Path trash = path.resolveSibling(TRASH + path.getFileName() + "-" + System.nanoTime());
        try {
            Files.move(path, trash, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            deleteTree(trash);
        } catch (IOException | UncheckedIOException e) {
            // Left for the locked removal below, which tries git's own way.
        }
        repository.lock().holding(() -> removeLocked(path));
    }

    /** Whether a worktree here belongs to a process that is gone (a look at the owner files, no git call). */
    public boolean hasStale() {
        Path dir = repository.worktrees();
        if (!Files.isDirectory(dir)) {
            return false;
        }
        for (Path p : children(dir)) {
            String name = p.getFileName().toString();
            if (name.endsWith(".owner") && !ownerAlive(p)) {
                return true;
            }
        }
        return false;
    }

    /** Removes every worktree whose owner process is gone, and whatever git still lists of deleted ones. */
    public int pruneStale() {
        Path dir = repository.worktrees();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        return repository.lock().holding(() -> {
            int removed = 0;
            for (Path tree : children(dir)) {
                // One leftover that cannot go must not stop the others going, nor start or serve starting.
                try {
                    removed += pruneEntry(tree);
                } catch (RuntimeException e) {
                    log.log(System.Logger.Level.WARNING, "cannot remove the leftover worktree " + tree + ": "
                            + e.getMessage());
                }
            }
            pruneOwn();
            return removed;
        });
    }

    private int pruneEntry(Path tree) {
        if (tree.getFileName().toString().startsWith(TRASH)) {
            // A removal a killed process left half done (or one a live process is finishing: either may win).
            deleteTree(tree);
        } else if (tree.getFileName().toString().endsWith(".owner")) {
            if (!ownerAlive(tree)) {
                removeLocked(Path.of(tree.toString().replaceFirst("\\.owner$", "")));
                return 1;
            }
        } else if (Files.isDirectory(tree) && !Files.exists(ownerFile(tree))) {
            removeLocked(tree);
            return 1;
        }
        return 0;
    }

    /** The worktrees now on disk (for tests and the cleanup report). */
    public List<Path> existing() {
        Path dir = repository.worktrees();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        return children(dir).stream().filter(Files::isDirectory)
                .filter(p -> !p.getFileName().toString().startsWith(TRASH)).toList();
    }

    private void removeLocked(Path path) {
        if (Files.isDirectory(path)) {
            Git.Result removed = repository.git().call("worktree", "remove", "--force", "--force", path.toString());
            if (!removed.ok()) {
                deleteTree(path);
            }
        }
        pruneOwn();
        try {
            Files.deleteIfExists(ownerFile(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Drops git's records of Vivarium's worktrees whose directories are gone. Never {@code git worktree prune}: that
     * is repository-wide and would drop the user's own worktrees on a disk that is not mounted just now.
     */
    private void pruneOwn() {
        Path admin = repository.commonDir().resolve("worktrees");
        Path ours = repository.worktrees().toAbsolutePath().normalize();
        for (Path record : children(admin)) {
            try {
                Path gitFile = Path.of(Files.readString(record.resolve("gitdir"), StandardCharsets.UTF_8).strip());
                Path tree = gitFile.toAbsolutePath().normalize().getParent();
                if (tree != null && tree.startsWith(ours) && !Files.exists(gitFile)) {
                    deleteTree(record);
                }
            } catch (IOException | UncheckedIOException | java.nio.file.InvalidPathException e) {
                // Not a record we can read as ours: left to the user's git.
            }
        }
    }

    private static Path ownerFile(Path tree) {
        return tree.resolveSibling(tree.getFileName() + ".owner");
    }

    private static void writeOwner(Path tree) {
        ProcessHandle self = ProcessHandle.current();
        String line = self.pid() + " " + self.info().startInstant().map(Instant::toString).orElse("-") + "\n";
        try {
            Files.createDirectories(tree.getParent());
            Files.writeString(ownerFile(tree), line, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + ownerFile(tree) + ": " + e.getMessage(), e);
        }
    }

    /** The owner is this very process (a grind of it runs there) or another live one that started when it said. */
    private static boolean ownerAlive(Path ownerFile) {
        String[] parts;
        try {
            parts = Files.readString(ownerFile, StandardCharsets.UTF_8).strip().split(" ");
        } catch (IOException e) {
            return false;
        }
        try {
            long pid = Long.parseLong(parts[0]);
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isEmpty() || !handle.get().isAlive()) {
                return false;
            }
            if (parts.length < 2 || parts[1].equals("-")) {
                return true;
            }
            Optional<Instant> started = handle.get().info().startInstant();
            return started.isEmpty() || started.get().toString().equals(parts[1]);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static List<Path> children(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Deletes a tree, making read-only directories writable first; another deleter racing this one is fine. */
    private static void deleteTree(Path path) {
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    File file = dir.toFile();
                    file.setReadable(true, true);
                    file.setWritable(true, true);
                    file.setExecutable(true, true);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // Deleted by someone else meanwhile.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the worktree " + path + ": " + e.getMessage(), e);
        }
    }
}
