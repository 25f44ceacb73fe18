package io.vivarium.code.agent;

import io.vivarium.plan.ScanSettings;
import java.io.IOException;
import io.vivarium.code.git.GitEnvironment;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * {@code list_files}: what git tracks plus the new files it does not ignore ({@code git ls-files -co
 * --exclude-standard}), falling back to a walk that skips {@code .git} and build output when git cannot say.
 */
final class FileListing {

    static final int MAX_ENTRIES = 500;

    private final WorktreePaths paths;

    FileListing(WorktreePaths paths) {
        this.paths = paths;
    }

    String list(String path) throws IOException {
        Path dir = path == null || path.isBlank() || path.strip().equals(".") ? paths.root() : paths.resolve(path);
        if (!Files.isDirectory(dir)) {
            throw new ToolError("'" + paths.show(dir) + "' is not a directory"
                    + (Files.exists(dir) ? "; use read_file" : ""));
        }
        List<String> files = fromGit(dir);
        if (files == null) {
            files = walk(dir);
        }
        if (files.isEmpty()) {
            return "no files under " + paths.show(dir);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(files.size(), MAX_ENTRIES); i++) {
            out.append(files.get(i)).append('\n');
        }
        if (files.size() > MAX_ENTRIES) {
            out.append("… and ").append(files.size() - MAX_ENTRIES)
                    .append(" more; list a subdirectory to see them\n");
        }
        return out.toString();
    }

    private List<String> fromGit(Path dir) {
        ProcessBuilder git = new ProcessBuilder("git", "-c", "core.quotePath=false", "ls-files", "-co",
                "--exclude-standard", "-z", "--", paths.show(dir))
                .directory(paths.root().toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        GitEnvironment.scrub(git.environment());
        try {
            Process process = git.start();
            byte[] out;
            try (InputStream in = process.getInputStream()) {
                out = in.readNBytes(16 * 1024 * 1024);
            }
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return null;
            }
            TreeSet<String> files = new TreeSet<>();
            for (String name : new String(out, StandardCharsets.UTF_8).split("\0")) {
                // A tracked file the agent deleted is still in the index; show what is there.
                if (!name.isEmpty() && Files.exists(paths.root().resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                    files.add(name);
                }
            }
            return new ArrayList<>(files);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private List<String> walk(Path dir) throws IOException {
        TreeSet<String> files = new TreeSet<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                String name = d.getFileName() == null ? "" : d.getFileName().toString();
                return !d.equals(dir) && ScanSettings.SKIPPED_DIRECTORIES.contains(name)
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!file.getFileName().toString().equals(".git") && files.size() <= 100_000) {
                    files.add(paths.show(file));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                return FileVisitResult.CONTINUE;
            }
        });
        return new ArrayList<>(files);
    }
}
