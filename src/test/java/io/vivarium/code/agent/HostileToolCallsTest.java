package io.vivarium.code.agent;

import static io.vivarium.code.agent.ScriptedModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls that reach outside the worktree or into .git: each refused with an answer, nothing changed anywhere. */
class HostileToolCallsTest {

    @TempDir
    Path dir;

    private Path repo;
    private Path outside;
    private AgentHarness agent;

    @BeforeEach
    void setUp() throws Exception {
        repo = GitRepo.calculator(Files.createDirectories(dir.resolve("repo")));
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "top secret\n");
        Files.createSymbolicLink(repo.resolve("out"), outside);
        Files.createSymbolicLink(repo.resolve("secret.py"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(repo.resolve("hooks"), repo.resolve(".git/hooks"));
        Files.createSymbolicLink(repo.resolve("nowhere.py"), dir.resolve("missing/file.py"));
        agent = new AgentHarness(repo);
    }

    @AfterEach
    void tearDown() throws Exception {
        agent.close();
    }

    @Test
    void everyHostileCallIsRefusedAnsweredAndChangesNothing() throws Exception {
        var before = GitRepo.snapshot(dir);
        agent.model.calls(
                        call("read_file", Map.of("path", "../outside/secret.txt")),
                        call("write_file", Map.of("path", "../x", "content", "pwned")),
                        call("read_file", Map.of("path", "/etc/passwd")),
                        call("write_file", Map.of("path", ".git/hooks/pre-commit", "content", "#!/bin/sh\nrm -rf ~\n")),
                        call("replace_in_file", Map.of("path", "app/../.git/config", "old", "[core]", "new", "x")),
                        call("write_file", Map.of("path", ".GIT/config", "content", "x")),
                        call("read_file", Map.of("path", "out/secret.txt")),
                        call("write_file", Map.of("path", "out/new/evil.py", "content", "x")),
                        call("write_file", Map.of("path", "secret.py", "content", "overwritten")),
                        call("replace_in_file", Map.of("path", "secret.py", "old", "top", "new", "no")),
                        call("write_file", Map.of("path", "hooks/pre-commit", "content", "x")),
                        call("write_file", Map.of("path", "nowhere.py", "content", "x")),
                        call("list_files", Map.of("path", "..")),
                        call("list_files", Map.of("path", "out")),
                        call("write_file", Map.of("path", "~/.bashrc", "content", "x")))
                .calls(call("finish", Map.of("summary", "nothing to do")));

        AgentOutcome outcome = agent.run(12, 0.10, List.of("../outside/secret.txt", "out/secret.txt"));

        assertThat(outcome.ending()).isEqualTo(AgentOutcome.Ending.FINISHED);
        List<String> answers = agent.model.toolAnswers(1);
        assertThat(answers).hasSize(15).allSatisfy(a -> assertThat(a).startsWith("error: "));
        assertThat(answers.get(0)).contains("uses '..'");
        assertThat(answers.get(2)).contains("is an absolute path");
        assertThat(answers.get(3)).contains(".git, which is off limits");
        assertThat(answers.get(5)).contains(".git, which is off limits");
        assertThat(answers.get(6)).contains("'out/secret.txt' leads outside the repository through a symlink");
        assertThat(answers.get(7)).contains("'out/new/evil.py' leads outside the repository through a symlink");
        assertThat(answers.get(8)).contains("'secret.py' leads outside the repository through a symlink");
        assertThat(answers.get(10)).contains("leads into .git");
        assertThat(answers.get(11)).contains("'nowhere.py' is behind a symlink that leads nowhere");
        assertThat(answers).noneMatch(a -> a.contains("top secret"));
        // The task's own files are gated the same way: their contents never reach the model either.
        String first = agent.model.requests.get(0).get("messages").get(1).get("content").asString();
        assertThat(first).doesNotContain("top secret").contains("../outside/secret.txt: '../outside/secret.txt' uses '..'");
        assertThat(GitRepo.snapshot(dir)).isEqualTo(before);
    }

    @Test
    void aFileCreatedInANewDirectoryStaysInsideAndSymlinksInsideAreFollowed() throws Exception {
        Files.createSymbolicLink(repo.resolve("calc_link.py"), repo.resolve("app/calc.py"));
        agent.model.calls(call("write_file", Map.of("path", "app/deep/new/module.py", "content", "X = 1\n")),
                        call("read_file", Map.of("path", "calc_link.py", "start_line", "5", "end_line", 6)))
                .calls(call("finish", Map.of("summary", "added a module")));

        agent.run(12, 0.10, List.of());

        assertThat(agent.model.toolAnswers(1)).containsExactly("created app/deep/new/module.py (1 lines)",
                "5| def sub(a, b):\n6|     return a - b\n(lines 5-6 of 6)\n");
        assertThat(Files.readString(repo.resolve("app/deep/new/module.py"))).isEqualTo("X = 1\n");
    }
}
