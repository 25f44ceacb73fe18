package io.vivarium.plan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the workspace's source files and reads their shape: lines, top-level classes and functions, whether tests
 * cover them. Skips version control, virtualenvs, build output, {@code .gitignore}d paths, huge and binary files.
 */
public final class WorkspaceScanner {

    private static final Pattern PY_CLASS = Pattern.compile("^class\\s+([A-Za-z_]\\w*)", Pattern.MULTILINE);
    private static final Pattern PY_FUNCTION = Pattern.compile("^(?:async\\s+)?def\\s+([A-Za-z_]\\w*)", Pattern.MULTILINE);
    private static final Pattern JAVA_TYPE = Pattern.compile(
            "^(?:public\\s+|final\\s+|abstract\\s+)*(?:class|interface|record|enum)\\s+([A-Za-z_]\\w*)", Pattern.MULTILINE);
    private static final Pattern JS_FUNCTION = Pattern.compile("^(?:export\\s+)?(?:async\\s+)?function\\s+([A-Za-z_$][\\w$]*)", Pattern.MULTILINE);

    private static final Pattern GO_FUNCTION = Pattern.compile(
            "^func\\s+(?:\\([^)]*\\)\\s*)?([A-Za-z_]\\w*)", Pattern.MULTILINE);
    private static final Pattern GO_TYPE = Pattern.compile("^type\\s+([A-Za-z_]\\w*)", Pattern.MULTILINE);
    private static final Pattern RUST_FUNCTION = Pattern.compile(
            "^\\s*(?:pub(?:\\([^)]*\\))?\\s+)?(?:async\\s+)?fn\\s+([A-Za-z_]\\w*)", Pattern.MULTILINE);
    private static final Pattern RUST_TYPE = Pattern.compile(
            "^\\s*(?:pub(?:\\([^)]*\\))?\\s+)?(?:struct|enum|trait)\\s+([A-Za-z_]\\w*)", Pattern.MULTILINE);

    private final ScanSettings settings;

    public WorkspaceScanner(ScanSettings settings) {
        this.settings = settings;
    }

    public record Scan(List<FileFacts> files, int filesFound, int filesSkipped) {
    }

    public Scan scan(Path workspace) {
        Path root = workspace.toAbsolutePath().normalize();
        GitIgnore ignore = GitIgnore.of(root);
        List<PathMatcher> wanted = settings.globs().stream()
                .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g))
                .toList();
        List<Path> found = new ArrayList<>();
        int[] skipped = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.equals(root)) {
                        return FileVisitResult.CONTINUE;
                    }
                    Path relative = root.relativize(dir);
                    String name = dir.getFileName().toString();
                    boolean skip = ScanSettings.SKIPPED_DIRECTORIES.contains(name)
                            || Files.exists(dir.resolve("pyvenv.cfg")) || ignore.ignores(relative, true);
                    return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    Path relative = root.relativize(file);
                    if (!attrs.isRegularFile() || !matches(wanted, relative) || ignore.ignores(relative, false)) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (attrs.size() > settings.maxFileBytes()) {
                        skipped[0]++;
                    } else {
                        found.add(relative);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot scan " + root + ": " + e.getMessage(), e);
        }
        found.sort(null);
        Set<String> testedNames = testedModuleNames(found);
        List<FileFacts> facts = new ArrayList<>();
        for (Path relative : found) {
            if (facts.size() >= settings.maxFiles()) {
                break;
            }
            String text = readText(root.resolve(relative));
            if (text == null) {
                skipped[0]++;
                continue;
            }
            facts.add(factsOf(relative, text, testedNames));
        }
        return new Scan(facts, found.size() + skipped[0], skipped[0] + Math.max(0, found.size() - settings.maxFiles()));
    }

    private static FileFacts factsOf(Path relative, String text, Set<String> testedNames) {
        String path = relative.toString().replace('\\', '/');
        int lines = text.isEmpty() ? 0 : (int) text.lines().count();
        List<String> classes = new ArrayList<>();
        List<String> functions = new ArrayList<>();
        if (path.endsWith(".py")) {
            collect(PY_CLASS, text, classes);
            collect(PY_FUNCTION, text, functions);
        } else if (path.endsWith(".java") || path.endsWith(".kt")) {
            collect(JAVA_TYPE, text, classes);
        } else if (path.endsWith(".go")) {
            collect(GO_TYPE, text, classes);
            collect(GO_FUNCTION, text, functions);
        } else if (path.endsWith(".rs")) {
            collect(RUST_TYPE, text, classes);
            collect(RUST_FUNCTION, text, functions);
        } else {
            collect(JAVA_TYPE, text, classes);
            collect(JS_FUNCTION, text, functions);
        }
        boolean isTest = isTestFile(relative);
        boolean hasTests = isTest || text.contains("def test_") || text.contains("#[test]")
                || testedNames.contains(moduleName(relative));
        return new FileFacts(path, lines, hasTests, classes, functions);
    }

    private static void collect(Pattern pattern, String text, List<String> into) {
        Matcher m = pattern.matcher(text);
        while (m.find() && into.size() < 50) {
            into.add(m.group(1));
        }
    }

    /** Modules that some test file names: {@code test_foo.py} and {@code foo_test.py} cover {@code foo}. */
    private static Set<String> testedModuleNames(List<Path> files) {
        Set<String> names = new HashSet<>();
        for (Path file : files) {
            String name = moduleName(file);
            if (name.startsWith("test_")) {
                names.add(name.substring(5));
            } else if (name.endsWith("_test")) {
                names.add(name.substring(0, name.length() - 5));
            } else if (name.endsWith("Test") || name.endsWith("Tests")) {
                names.add(name.replaceAll("Tests?$", ""));
            } else if (name.endsWith(".test") || name.endsWith(".spec")) {
                names.add(name.substring(0, name.length() - 5));
            }
        }
        return names;
    }

    private static boolean isTestFile(Path relative) {
        String name = moduleName(relative);
        return name.startsWith("test_") || name.endsWith("_test") || name.endsWith("Test") || name.endsWith("Tests")
                || name.endsWith(".test") || name.endsWith(".spec")
                || relative.toString().replace('\\', '/').matches("(^|.*/)tests?/.*");
    }

    private static String moduleName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static boolean matches(List<PathMatcher> wanted, Path relative) {
        for (PathMatcher m : wanted) {
            // "**/*.py" needs a directory in Java's glob; a file at the root is matched by its name too.
            if (m.matches(relative) || (relative.getNameCount() == 1 && m.matches(Path.of("x").resolve(relative)))) {
                return true;
            }
        }
        return false;
    }

    /** The file's text, or null when it looks binary (a NUL byte in its first 8 KiB). */
    private static String readText(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readAllBytes();
            for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
                if (bytes[i] == 0) {
                    return null;
                }
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
