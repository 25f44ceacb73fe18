package io.vivarium.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceScannerTest {

    @TempDir
    Path workspace;

    private void write(String path, String content) throws Exception {
        Path file = workspace.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    @Test
    void skipsWhatIsNotTheProjectsOwnSource() throws Exception {
        write("src/app.py", "class App:\n    pass\n\ndef run():\n    pass\n");
        write(".git/hooks/x.py", "x = 1\n");
        write("venv/lib/site.py", "x = 1\n");
        write("myenv/pyvenv.cfg", "home = /usr\n");
        write("myenv/lib/thing.py", "x = 1\n");
        write("node_modules/pkg/a.py", "x = 1\n");
        write("build/gen.py", "x = 1\n");
        write("generated/out.py", "x = 1\n");
        write("keep/generated/ok.py", "x = 1\n");
        write("notes.txt", "not python\n");
        write("secret_local.py", "TOKEN = 1\n");
        Files.write(workspace.resolve("src/blob.py"), new byte[] {'a', 0, 'b'});
        write(".gitignore", "# ignored\n/generated/\n*_local.py\n");

        WorkspaceScanner.Scan scan = new WorkspaceScanner(ScanSettings.defaults()).scan(workspace);

        assertThat(scan.files()).extracting(FileFacts::path).containsExactly("keep/generated/ok.py", "src/app.py");
        FileFacts app = scan.files().get(1);
        assertThat(app.lines()).isEqualTo(5);
        assertThat(app.classes()).containsExactly("App");
        assertThat(app.functions()).containsExactly("run");
    }

    @Test
    void aGitignoreThatIsALinkIsNotFollowed(@TempDir Path elsewhere) throws Exception {
        write("app.py", "x = 1\n");
        Path outside = elsewhere.resolve("rules");
        Files.writeString(outside, "*.py\n");
        Files.createSymbolicLink(workspace.resolve(".gitignore"), outside);

        WorkspaceScanner.Scan scan = new WorkspaceScanner(ScanSettings.defaults()).scan(workspace);

        assertThat(scan.files()).extracting(FileFacts::path).containsExactly("app.py");
    }

    @Test
    void aHugeGitignoreIsReadOnlyUpToItsBound() throws Exception {
        write("first.py", "x = 1\n");
        write("last.py", "x = 1\n");
        StringBuilder rules = new StringBuilder("first.py\n");
        String filler = "# " + "x".repeat(97) + "\n";
        while (rules.length() < 2 * GitIgnore.MAX_BYTES) {
            rules.append(filler);
        }
        write(".gitignore", rules + "last.py\n");

        WorkspaceScanner.Scan scan = new WorkspaceScanner(ScanSettings.defaults()).scan(workspace);

        assertThat(scan.files()).extracting(FileFacts::path).containsExactly("last.py");
    }

    @Test
    void knowsWhichFilesHaveTests() throws Exception {
        write("pkg/engine.py", "def go():\n    pass\n");
        write("pkg/loose.py", "def stay():\n    pass\n");
        write("tests/test_engine.py", "def test_go():\n    pass\n");

        List<FileFacts> files = new WorkspaceScanner(ScanSettings.defaults()).scan(workspace).files();

        assertThat(files).filteredOn(f -> f.path().equals("pkg/engine.py")).singleElement()
                .extracting(FileFacts::hasTests).isEqualTo(true);
        assertThat(files).filteredOn(f -> f.path().equals("pkg/loose.py")).singleElement()
                .extracting(FileFacts::hasTests).isEqualTo(false);
    }

    @Test
    void otherGlobsAndLimits() throws Exception {
        write("a.py", "x\n");
        write("b/Main.java", "public final class Main {\n}\n");
        write("big.py", "x\n".repeat(600_000));

        WorkspaceScanner.Scan scan = new WorkspaceScanner(
                new ScanSettings(List.of("**/*.py", "**/*.java"), 300, 1024 * 1024, 24_000)).scan(workspace);

        assertThat(scan.files()).extracting(FileFacts::path).containsExactly("a.py", "b/Main.java");
        assertThat(scan.files().get(1).classes()).containsExactly("Main");
        assertThat(scan.filesSkipped()).isEqualTo(1);
    }
}
