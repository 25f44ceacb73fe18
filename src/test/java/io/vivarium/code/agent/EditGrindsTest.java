package io.vivarium.code.agent;

import static io.vivarium.code.agent.ScriptedModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliRun;
import io.vivarium.support.UserRepo;
import io.vivarium.task.CodeRun;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edit grinds end to end: the real CLI runs a worktree task with a prompt, the agent talks to mockwebserver3's
 * scripted tool calls, the real check (pytest) runs in the worktree, and the change is committed on its branch.
 */
class EditGrindsTest {

    private static final String BUGGY = "def add(a, b):\n    return a - b";
    private static final String FIXED = "def add(a, b):\n    return a + b";
    private static final String WRONG = "def add(a, b):\n    return a * b";

    @TempDir
    Path dir;

    final MockWebServer server = new MockWebServer();
    final ScriptedModel model = new ScriptedModel();
    UserRepo repo;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws Exception {
        GitRepo.calculator(dir);
        repo = new UserRepo(dir);
        repo.git("config", "user.name", "Test User");
        repo.git("config", "user.email", "test@example.com");
        repo.write(".gitignore", "queue.json\nexecution_log.json\ntask_locks/\n");
        repo.commitAll("ignore vivarium's files");
        server.setDispatcher(model);
        server.start();
        env = Map.of("TOGETHER_API_KEY", "sk-test-key", "VIVARIUM_LLM_BASE_URL", server.url("/v1").toString(),
                "VIVARIUM_LLM_MAX_RETRIES", "0", "PATH", System.getenv("PATH"));
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
    }

    private TaskRun run(String id) {
        return new FileTaskStore(dir, Clock.systemUTC()).find(id).orElseThrow().run();
    }

    private CliRun add(String check, String... extra) {
        String[] args = new String[]{"add", "fix_add", "grind", "--worktree", "--description", "Fix the bug in calc.add",
                "--prompt", "app/calc.py's add subtracts; make it add.", "--files", "app/calc.py",
                "--check", check};
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        CliRun added = CliRun.in(dir, env, all);
        assertThat(added.exitCode()).as(added.err()).isZero();
        return added;
    }

    @Test
    void theModelReadsFixesChecksAndFinishesAndTheChangeWaitsOnItsBranch() {
        add(GitRepo.CHECK, "--max", "0.50");
        model.calls(call("read_file", Map.of("path", "app/calc.py")))
                .calls(call("replace_in_file", Map.of("path", "app/calc.py", "old", BUGGY, "new", FIXED)))
                .calls(call("run_check", Map.of()))
                .calls(call("finish", Map.of("summary", "add now adds")));
        UserRepo.UserState before = repo.userState();

        CliRun start = CliRun.in(dir, env, "start", "1");

        assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
        TaskRun run = run("fix_add");
        CodeRun code = run.code();
        assertThat(run.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(run.result()).startsWith("add now adds; 1 file(s) changed, +1 -1; check passed");
        assertThat(code.turns()).isEqualTo(4);
        assertThat(code.check().passed()).isTrue();
        assertThat(code.check().output()).contains("2 passed");
        assertThat(code.review()).isEqualTo(CodeRun.Review.PENDING);
        assertThat(repo.log("vivarium/fix_add")).hasSize(3);
        assertThat(repo.git("show", "vivarium/fix_add:app/calc.py")).contains("return a + b");
        // The check ran twice (the agent's, then the final tree's); its caches were not committed.
        assertThat(repo.git("show", "--name-only", "--format=", "vivarium/fix_add").strip()).isEqualTo("app/calc.py");
        assertThat(repo.userState()).isEqualTo(before);
        assertThat(run.tokensInOrZero()).isPositive();
        // One cap: the tokens at $0.88/M and the checks' seconds at $0.01/s, together.
        double tokens = (run.tokensInOrZero() + run.tokensOutOrZero()) * 0.88 / 1e6;
        assertThat(run.budgetUsed()).isGreaterThan(tokens).isLessThanOrEqualTo(0.50);
    }

    @Test
    void aFailingFinalCheckFailsTheAttemptAndTheNextStartsFreshWithItsOutput() {
        add(GitRepo.CHECK, "--max", "0.50", "--max-attempts", "2");
        model.calls(call("replace_in_file", Map.of("path", "app/calc.py", "old", BUGGY, "new", WRONG)))
                .calls(call("finish", Map.of("summary", "done")))
                .calls(call("replace_in_file", Map.of("path", "app/calc.py", "old", BUGGY, "new", FIXED)))
                .calls(call("run_check", Map.of()))
                .calls(call("finish", Map.of("summary", "fixed for real")));

        CliRun start = CliRun.in(dir, env, "start", "1", "--backoff", "0");

        assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
        TaskRun run = run("fix_add");
        assertThat(run.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(run.attempts()).isEqualTo(2);
        // The second attempt started from the base again (its replace found the bug), told the failed check.
        String second = model.requests.get(2).get("messages").get(1).get("content").asString();
        assertThat(second).contains("test_add", "assert");
        assertThat(repo.git("show", "vivarium/fix_add:app/calc.py")).contains("return a + b");
        assertThat(repo.log("vivarium/fix_add")).hasSize(3);
    }

    @Test
    void aBudgetSpentMidLoopFailsTheGrindWithItsPartialWorkCommitted() {
        add("sleep 30", "--min", "0.01", "--max", "0.03");
        model.calls(call("write_file", Map.of("path", "app/notes.md", "content", "half done\n")))
                .calls(call("run_check", Map.of()))
                .calls(call("finish", Map.of("summary", "never reached")));

        CliRun.in(dir, env, "start", "1");

        TaskRun run = run("fix_add");
        assertThat(run.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(run.error()).startsWith("budget exhausted at the $0.03 cap; partial work committed on vivarium/fix_add");
        assertThat(run.budgetUsed()).isEqualTo(0.03);
        assertThat(repo.git("show", "vivarium/fix_add:app/notes.md")).isEqualTo("half done\n");
        assertThat(model.requests).hasSize(2);
    }
}
