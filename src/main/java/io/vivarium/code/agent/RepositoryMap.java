package io.vivarium.code.agent;

import io.vivarium.plan.FileFacts;
import io.vivarium.plan.ScanSettings;
import io.vivarium.plan.WorkspaceScanner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The repository as the agent first sees it: the planner's scan (paths, sizes, definitions, which have tests)
 * over the source files of every common language, as a few lines of text, bounded.
 */
public final class RepositoryMap {

    static final List<String> SOURCE_GLOBS = List.of("**/*.{py,pyi,java,kt,kts,scala,groovy,js,jsx,mjs,cjs,ts,tsx,"
            + "go,rs,c,h,cc,cpp,hpp,cs,rb,php,swift,m,sh,lua,ex,exs,erl,hs,ml,clj,dart,r,jl,zig,sql}",
            "**/{pom.xml,build.gradle,build.gradle.kts,package.json,go.mod,Cargo.toml,Makefile,pyproject.toml,"
            + "setup.py,setup.cfg,tox.ini,pytest.ini,requirements.txt,CMakeLists.txt,Gemfile,composer.json}");
    static final int MAX_CHARS = 8_000;

    private RepositoryMap() {
    }

    /**
     * The map of {@code root}; at most {@link #MAX_CHARS} characters, naming how many files it left out. When the
     * definitions do not fit, every path is worth more than some paths' definitions: they go, and each directory
     * takes one line.
     */
    public static String of(Path root) {
        WorkspaceScanner.Scan scan = new WorkspaceScanner(new ScanSettings(SOURCE_GLOBS, 400, 1024 * 1024,
                MAX_CHARS)).scan(root);
        Rendered full = render(scan);
        return full.left() == 0 ? full.text() : compact(scan).text();
    }

    /** One line a directory, its files' names and sizes: how a large repository fits. */
    private static Rendered compact(WorkspaceScanner.Scan scan) {
        Map<String, List<FileFacts>> byDirectory = new LinkedHashMap<>();
        for (FileFacts f : scan.files()) {
            int slash = f.path().lastIndexOf('/');
            byDirectory.computeIfAbsent(slash < 0 ? "" : f.path().substring(0, slash + 1), d -> new ArrayList<>())
                    .add(f);
        }
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (Map.Entry<String, List<FileFacts>> dir : byDirectory.entrySet()) {
            StringBuilder line = new StringBuilder(dir.getKey().isEmpty() ? "./" : dir.getKey()).append(':');
            for (FileFacts f : dir.getValue()) {
                line.append(' ').append(f.path().substring(dir.getKey().length())).append(" (").append(f.lines())
                        .append(f.hasTests() ? ", tested" : "").append("),");
            }
            line.setLength(line.length() - 1);
            line.append('\n');
            if (out.length() + line.length() > MAX_CHARS) {
                break;
            }
            out.append(line);
            shown += dir.getValue().size();
        }
        int left = scan.filesFound() - shown;
        if (left > 0) {
            out.append("(").append(left).append(" more files not shown; use list_files)\n");
        }
        return new Rendered(out.toString(), left);
    }

    private record Rendered(String text, int left) {
    }

    private static Rendered render(WorkspaceScanner.Scan scan) {
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (FileFacts f : scan.files()) {
            String line = line(f);
            if (out.length() + line.length() > MAX_CHARS) {
                break;
            }
            out.append(line);
            shown++;
        }
        int left = scan.filesFound() - shown;
        if (left > 0) {
            out.append("(").append(left).append(" more files not shown; use list_files)\n");
        }
        return new Rendered(out.isEmpty() ? "(no source files found; use list_files)\n" : out.toString(), left);
    }

    private static String line(FileFacts f) {
        StringBuilder line = new StringBuilder(f.path()).append(" (").append(f.lines()).append(" lines")
                .append(f.hasTests() ? ", tested" : "").append(')');
        String defs = definitions(f);
        if (!defs.isEmpty()) {
            line.append(": ").append(defs);
        }
        return line.append('\n').toString();
    }

    private static String definitions(FileFacts f) {
        StringBuilder out = new StringBuilder();
        if (!f.classes().isEmpty()) {
            out.append("types ").append(String.join(", ", f.classes().subList(0, Math.min(12, f.classes().size()))));
        }
        if (!f.functions().isEmpty()) {
            out.append(out.isEmpty() ? "" : "; ").append("functions ")
                    .append(String.join(", ", f.functions().subList(0, Math.min(20, f.functions().size()))));
        }
        return out.toString();
    }
}
