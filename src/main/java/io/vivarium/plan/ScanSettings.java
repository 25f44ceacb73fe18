package io.vivarium.plan;

import java.util.List;

/**
 * What the scanner reads: files matching {@code globs} (relative to the workspace), at most {@code maxFiles} of them,
 * none larger than {@code maxFileBytes}, and no more than {@code maxPromptChars} of facts for the model.
 */
public record ScanSettings(List<String> globs, int maxFiles, long maxFileBytes, int maxPromptChars) {

    public static final List<String> SKIPPED_DIRECTORIES = List.of(".git", ".hg", ".svn", ".venv", "venv", "env",
            "__pycache__", "node_modules", "target", "build", "dist", ".tox", ".mypy_cache", ".pytest_cache",
            ".idea", ".vscode", "site-packages", "task_locks");

    public static ScanSettings defaults() {
        return new ScanSettings(List.of("**/*.py"), 300, 1024 * 1024, 24_000);
    }

    public ScanSettings withGlobs(List<String> newGlobs) {
        return new ScanSettings(newGlobs, maxFiles, maxFileBytes, maxPromptChars);
    }
}
