package io.vivarium.code.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's first view of a repository: every common language, bounded, paths before definitions. */
class RepositoryMapTest {

    @TempDir
    Path repo;

    @Test
    void goRustAndJavaScriptShowTheirDefinitionsAndTests() throws Exception {
        Files.writeString(repo.resolve("go.mod"), "module x\n");
        Files.writeString(repo.resolve("calc.go"), "package x\n\ntype Calc struct{}\n\nfunc (c Calc) Add(a, b int) int {"
                + " return a - b }\n\nfunc Sub(a, b int) int { return a - b }\n");
        Files.writeString(repo.resolve("calc_test.go"), "package x\n\nfunc TestAdd(t *testing.T) {}\n");
        Files.createDirectories(repo.resolve("src"));
        Files.writeString(repo.resolve("src/lib.rs"), "pub struct Calc;\n\npub fn add(a: i32) -> i32 { a }\n"
                + "\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds() {}\n}\n");
        Files.writeString(repo.resolve("src/app.js"), "export function render() {}\n");
        Files.writeString(repo.resolve("src/app.test.js"), "test('renders', () => {});\n");
        Files.createDirectories(repo.resolve("node_modules/left-pad"));
        Files.writeString(repo.resolve("node_modules/left-pad/index.js"), "function pad() {}\n");

        String map = RepositoryMap.of(repo);

        assertThat(map).contains("calc.go (7 lines, tested): types Calc; functions Add, Sub",
                "src/lib.rs (9 lines, tested): types Calc; functions add, adds",
                "src/app.js (1 lines, tested): functions render", "go.mod (1 lines)")
                .doesNotContain("node_modules");
    }

    @Test
    void aLargeRepositoryFitsByGivingUpDefinitionsFirst() throws Exception {
        for (int d = 0; d < 20; d++) {
            Path dir = Files.createDirectories(repo.resolve("pkg/module_" + d));
            for (int f = 0; f < 15; f++) {
                Files.writeString(dir.resolve("file_" + f + ".py"), "def function_number_" + f + "():\n    pass\n");
            }
        }

        String map = RepositoryMap.of(repo);

        assertThat(map.length()).isLessThanOrEqualTo(RepositoryMap.MAX_CHARS + 100);
        assertThat(map).contains("pkg/module_0/: file_0.py (2), file_1.py (2)").doesNotContain("function_number");
        assertThat(map.lines().count()).isGreaterThanOrEqualTo(15);
    }
}
