package io.vivarium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import io.vivarium.support.WorkspaceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every refusal is one line on stderr, exit code 2, and leaves both workspace files byte for byte as they were. */
class BadInputTest {

    @TempDir
    Path workspace;

    private byte[] queueBefore;
    private byte[] logBefore;

    @BeforeEach
    void twoTasks() {
        assertThat(CliRun.in(workspace, "add", "task_001", "grind").exitCode()).isZero();
        assertThat(CliRun.in(workspace, "add", "task_002", "grind").exitCode()).isZero();
        queueBefore = WorkspaceFiles.bytes(workspace.resolve("queue.json"));
        logBefore = WorkspaceFiles.bytes(workspace.resolve("execution_log.json"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            duplicate id           | add task_001 grind                      | task 'task_001' already exists
            zero min budget        | add t3 grind --min 0                    | min_budget must be greater than 0 (got 0)
            negative min budget    | add t3 grind --min -1                   | min_budget must be greater than 0
            max below min          | add t3 grind --min 0.08 --max 0.05      | max_budget (0.05) must be at least min_budget (0.08)
            unknown intensity      | add t3 grind --intensity extreme        | intensity must be one of low, medium, high (got 'extreme')
            unknown type           | add t3 sprint                           | type must be one of grind (got 'sprint')
            path escape id         | add ../x grind                          | invalid task id '../x'
            slash in id            | add a/b grind                           | invalid task id 'a/b'
            dot id                 | add .hidden grind                       | invalid task id '.hidden'
            unknown dependency     | add t3 grind --depends-on nope          | depends on unknown task 'nope'
            self dependency        | add t3 grind --depends-on t3            | cannot depend on itself
            unknown priority       | add t3 grind --priority urgent          | priority must be one of high, medium, low
            zero attempts          | add t3 grind --max-attempts 0           | max_attempts must be between 1 and 100
            not a number           | add t3 grind --min abc                  | '--min'
            missing type           | add t3                                  | Missing required parameter: 'TYPE'
            unknown option         | add t3 grind --colour red               | Unknown option
            unknown command        | frobnicate                              | Unmatched argument
            """)
    void refusesAndChangesNothing(String name, String commandLine, String expectedMessage) {
        CliRun run = CliRun.in(workspace, commandLine.split(" "));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains(expectedMessage).doesNotContain("Exception", "\tat ");
        assertThat(WorkspaceFiles.bytes(workspace.resolve("queue.json"))).isEqualTo(queueBefore);
        assertThat(WorkspaceFiles.bytes(workspace.resolve("execution_log.json"))).isEqualTo(logBefore);
        assertThat(workspace.resolve("x")).doesNotExist();
    }

    @Test
    void corruptQueueIsReportedWithItsPathAndNeverOverwritten() throws Exception {
        Path queue = workspace.resolve("queue.json");
        String corrupt = "{\"version\": \"1.0\", \"tasks\": [ {\"id\": \"task_001\", \n";
        Files.writeString(queue, corrupt);
        byte[] corruptBytes = Files.readAllBytes(queue);

        // Every verb but `clear`, which moves such a file aside (HandEditsTest).
        for (String[] args : new String[][] {{"add", "task_009", "grind"}, {"status"}, {"status", "--json"}}) {
            CliRun run = CliRun.in(workspace, args);

            assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(run.errLines()).hasSize(1);
            assertThat(run.err()).contains(queue.toString()).contains("line ").contains("left unchanged");
            assertThat(Files.readAllBytes(queue)).isEqualTo(corruptBytes);
            assertThat(WorkspaceFiles.bytes(workspace.resolve("execution_log.json"))).isEqualTo(logBefore);
        }
    }

    @Test
    void queueThatBreaksTaskRulesIsCorruptNamingTheTask() throws Exception {
        Path queue = workspace.resolve("queue.json");
        Files.writeString(queue, """
                {"version": "1.0", "tasks": [{"id": "ok", "type": "grind"}, {"id": "bad", "min_budget": 0}]}
                """);
        byte[] before = Files.readAllBytes(queue);

        CliRun run = CliRun.in(workspace, "add", "t3", "grind");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(queue.toString()).contains("tasks[1]").contains("min_budget must be greater than 0");
        assertThat(Files.readAllBytes(queue)).isEqualTo(before);
    }

    @Test
    void corruptLogStopsAddBeforeTheQueueIsTouched() throws Exception {
        Path log = workspace.resolve("execution_log.json");
        Files.writeString(log, "[1, 2");

        CliRun run = CliRun.in(workspace, "add", "t3", "grind");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(log.toString());
        assertThat(WorkspaceFiles.bytes(workspace.resolve("queue.json"))).isEqualTo(queueBefore);
        assertThat(Files.readString(log)).isEqualTo("[1, 2");
    }

    @Test
    void missingWorkspaceDirectoryIsAnInputError() {
        CliRun run = CliRun.in(workspace.resolve("nope"), "status");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("is not a directory");
    }
}
