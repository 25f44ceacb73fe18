package io.vivarium.code;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which command checks a change: the task's {@code check}, else {@code VIVARIUM_CHECK}, else what the repository's
 * own files say its tests are run with; none found means no check.
 */
final class CheckCommand {

    private static final Set<String> SKIPPED = Set.of(".git", "node_modules", ".venv", "venv", "target", "build",
            "__pycache__", ".tox", "dist");
    private static final Pattern PY_TEST = Pattern.compile("(test_.*|.*_test)\\.py");
    private static final Pattern MAKE_TEST = Pattern.compile("(?m)^test\\s*:");
    private static final Pattern NPM_TEST = Pattern.compile("\"test\"\\s*:");

    private CheckCommand() {
    }

    static Optional<String> resolve(String taskCheck, String configured, Path tree) {
        if (taskCheck != null && !taskCheck.isBlank()) {
            return Optional.of(taskCheck);
        }
        if (configured != null && !configured.isBlank()) {
            return Optional.of(configured);
        }
        return detect(tree);
    }

    /** The repository's own test command, as its build files name it. */
    static Optional<String> detect(Path tree) {
        if (Files.isRegularFile(tree.resolve("mvnw")) && Files.isRegularFile(tree.resolve("pom.xml"))) {
            return Optional.of("./mvnw -q test");
        }
        if (Files.isRegularFile(tree.resolve("pom.xml"))) {
            return Optional.of("mvn -q test");
        }
        if (Files.isRegularFile(tree.resolve("gradlew"))) {
            return Optional.of("./gradlew test");
        }
        if (contains(tree.resolve("package.json"), NPM_TEST)) {
            return Optional.of("npm test");
        }
        if (Files.isRegularFile(tree.resolve("go.mod"))) {
            return Optional.of("go test ./...");
        }
        if (Files.isRegularFile(tree.resolve("Cargo.toml"))) {
            return Optional.of("cargo test");
        }
        if (hasPythonTests(tree)) {
            return Optional.of("python3 -m pytest -q");
        }
        if (contains(tree.resolve("Makefile"), MAKE_TEST)) {
            return Optional.of("make test");
        }
        return Optional.empty();
    }

    private static boolean hasPythonTests(Path tree) {
        try (Stream<Path> walk = Files.walk(tree, 6)) {
            return walk.filter(p -> p.getNameCount() <= tree.getNameCount()
                            || !SKIPPED.contains(p.getName(tree.getNameCount()).toString()))
                    .anyMatch(p -> PY_TEST.matcher(p.getFileName().toString()).matches() && !skipped(tree, p));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean skipped(Path tree, Path p) {
        for (Path part : tree.relativize(p)) {
            if (SKIPPED.contains(part.toString())) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(Path file, Pattern pattern) {
        try {
            return Files.isRegularFile(file) && pattern.matcher(Files.readString(file)).find();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
