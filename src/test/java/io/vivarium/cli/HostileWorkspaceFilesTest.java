package io.vivarium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import io.vivarium.support.OddFiles;
import io.vivarium.support.WorkspaceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * From the command line: a link or an odd file in the workspace gets one line and exit 2 from every verb, at once,
 * and nothing outside the workspace is created, written or deleted.
 */
class HostileWorkspaceFilesTest {

    private static final Duration QUICKLY = Duration.ofSeconds(15);
    private static final List<List<String>> VERBS = List.of(List.of("status"), List.of("status", "--json"),
            List.of("add", "task_009", "grind"), List.of("clear"), List.of("retry", "task_001"),
            List.of("retry", "--failed"), List.of("cancel", "task_001"), List.of("worker", "run"), List.of("start", "1"));

    @TempDir
    Path workspace;

    @TempDir
    Path outside;

    @BeforeEach
    void oneTask() {
        assertThat(CliRun.in(workspace, "add", "task_001", "grind").exitCode()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"queue.json", "execution_log.json"})
    void aNamedPipeForAWorkspaceFileGetsOneLineAndExit2FromEveryVerb(String name) throws Exception {
        Path file = workspace.resolve(name);
        Files.delete(file);
        OddFiles.fifo(file);

        for (List<String> verb : VERBS) {
            CliRun run = OddFiles.within(QUICKLY, List.of(file), () -> CliRun.in(workspace, verb.toArray(String[]::new)));

            assertThat(run.exitCode()).as(verb + ": " + run.err()).isEqualTo(2);
            assertThat(run.errLines()).as(verb.toString()).hasSize(1);
            assertThat(run.err()).contains(file.toString()).contains("named pipe").doesNotContain("Exception", "\tat ");
        }
        assertThat(Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).isOther()).isTrue();
    }

    @Test
    void aLinkedTaskLocksGetsOneLineFromEveryVerbAndNothingBehindItChanges() throws Exception {
        deleteTree(workspace.resolve("task_locks"));
        Files.writeString(outside.resolve("x.lock"), "precious");
        Files.writeString(outside.resolve("task_001.lock"), "{\"task_id\":\"task_001\"}");
        Path locks = OddFiles.link(workspace.resolve("task_locks"), outside);
        Map<String, String> before = contents(outside);

        // `status --json` prints only the summary, which needs nothing from task_locks/.
        for (List<String> verb : VERBS.stream().filter(v -> !v.contains("--json")).toList()) {
            CliRun run = OddFiles.within(QUICKLY, List.of(), () -> CliRun.in(workspace, verb.toArray(String[]::new)));

            assertThat(run.exitCode()).as(verb + ": " + run.err()).isEqualTo(2);
            assertThat(run.errLines()).as(verb.toString()).hasSize(1);
            assertThat(run.err()).contains(locks.toString()).contains("symbolic link").doesNotContain("Exception");
        }
        assertThat(contents(outside)).isEqualTo(before);
    }

    @Test
    void aLinkAtTheOldTempNameIsNotWrittenThrough() throws Exception {
        Path victim = Files.writeString(outside.resolve("victim"), "precious");
        OddFiles.link(workspace.resolve(".queue.json.tmp"), victim);

        CliRun add = CliRun.in(workspace, "add", "task_002", "grind");

        assertThat(add.exitCode()).as(add.err()).isZero();
        assertThat(Files.readString(victim)).isEqualTo("precious");
        assertThat(WorkspaceFiles.queue(workspace).get("tasks")).hasSize(2);
    }

    @Test
    void aLinkedWorkspaceLockGetsOneLineAndItsTargetIsNotCreated() throws Exception {
        Path lock = workspace.resolve("task_locks/.workspace.lock");
        Files.delete(lock);
        OddFiles.link(lock, outside.resolve("made-by-vivarium"));

        CliRun add = CliRun.in(workspace, "add", "task_002", "grind");

        assertThat(add.exitCode()).isEqualTo(2);
        assertThat(add.errLines()).hasSize(1);
        assertThat(add.err()).contains(lock.toString()).contains("symbolic link");
        assertThat(outside.resolve("made-by-vivarium")).doesNotExist();
    }

    @Test
    void statusLeavesOutClaimsThatArePipesHugeFilesOrLinksToDevices() throws Exception {
        CliRun.in(workspace, "add", "task_002", "grind");
        CliRun.in(workspace, "add", "task_003", "grind");
        Path locks = workspace.resolve("task_locks");
        Path pipe = OddFiles.fifo(locks.resolve("task_001.lock"));
        OddFiles.sparse(locks.resolve("task_002.lock"), 3L << 30);
        OddFiles.link(locks.resolve("task_003.lock"), Path.of("/dev/zero"));

        for (String[] verb : new String[][] {{"status"}, {"status", "--json"}}) {
            CliRun status = OddFiles.within(QUICKLY, List.of(pipe), () -> CliRun.in(workspace, verb));

            assertThat(status.exitCode()).as(status.err()).isZero();
            assertThat(status.err()).isEmpty();
        }
    }

    @Test
    void aWorkerTakesBackClaimNamesHeldByOddEntriesWithoutFollowingThem() throws Exception {
        CliRun.in(workspace, "add", "task_002", "grind");
        Path locks = workspace.resolve("task_locks");
        Path victim = Files.writeString(outside.resolve("victim"), "precious");
        OddFiles.link(locks.resolve("task_001.lock"), victim);
        Path pipe = OddFiles.fifo(locks.resolve("task_002.lock"));

        CliRun run = OddFiles.within(QUICKLY, List.of(pipe), () -> CliRun.in(workspace, "worker", "run"));

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(WorkspaceFiles.log(workspace).get("swarm_summary").get("completed").asInt()).isEqualTo(2);
        assertThat(Files.readString(victim)).isEqualTo("precious");
    }

    private static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> listing = Files.list(dir)) {
            for (Path file : listing.toList()) {
                files.put(file.getFileName().toString(), Files.readString(file));
            }
        }
        return files;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> listing = Files.list(dir)) {
            for (Path file : listing.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }
}
