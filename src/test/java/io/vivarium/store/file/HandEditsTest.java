package io.vivarium.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import io.vivarium.support.WorkspaceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documents are the user's: removed, checked out, stashed, saved by an editor, truncated or written in the
 * original system's format between two commands, they are read as they now are, and the hidden journal adapts
 * (issue 17, items 1, 2 and 5).
 */
class HandEditsTest {

    @TempDir
    Path ws;

    @Test
    void documentsRemovedByHandAreAnEmptyWorkspaceNotABrickedOne() throws IOException {
        add("a");
        add("b");
        Files.delete(ws.resolve("queue.json"));
        Files.delete(ws.resolve("execution_log.json"));

        add("c");

        everyVerbAnswers();
        assertThat(ids()).containsExactly("c");
        assertThat(CliRun.in(ws, "clear").exitCode()).isZero();
        add("d");
        assertThat(ids()).containsExactly("d");
    }

    @Test
    void gitCheckoutOfTheDocumentsIsReadAsTheUsersIntentAndTheNextAddIsKept() throws Exception {
        git("init", "-q");
        add("a");
        add("b");
        git("add", "queue.json", "execution_log.json");
        git("commit", "-q", "-m", "two tasks");
        add("c");

        git("checkout", "queue.json", "execution_log.json");
        add("d");

        everyVerbAnswers();
        assertThat(ids()).as("c went with the checkout, d was acknowledged after it").containsExactly("a", "b", "d");
        assertThat(CliRun.in(ws, "status", "--json").out()).contains("\"total_tasks\": 3");
        assertThat(CliRun.in(ws, "clear").exitCode()).isZero();
    }

    @Test
    void gitStashAndStashPopAreFollowed() throws Exception {
        git("init", "-q");
        add("a");
        git("add", "queue.json", "execution_log.json");
        git("commit", "-q", "-m", "one task");
        add("b");
        git("stash", "-q");
        add("c");
        everyVerbAnswers();
        assertThat(ids()).containsExactly("a", "c");
        git("checkout", "queue.json", "execution_log.json");
        git("stash", "pop", "-q");

        everyVerbAnswers();
        assertThat(ids()).containsExactly("a", "b");
        add("e");
        assertThat(ids()).containsExactly("a", "b", "e");
    }

    @Test
    void anEditorsSaveAndTruncationAreFollowed() throws IOException {
        add("a");
        add("b");
        // An editor: write a temp file, rename it over; here it drops task a.
        var queue = (tools.jackson.databind.node.ObjectNode) WorkspaceFiles.queue(ws);
        ((tools.jackson.databind.node.ArrayNode) queue.get("tasks")).remove(0);
        Path temp = ws.resolve(".queue.json.swp");
        Files.writeString(temp, queue.toPrettyString());
        Files.move(temp, ws.resolve("queue.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        add("c");
        everyVerbAnswers();
        assertThat(ids()).containsExactly("b", "c");

        Files.write(ws.resolve("execution_log.json"), new byte[0]);
        add("d");
        everyVerbAnswers();
        assertThat(ids()).containsExactly("b", "c", "d");
        assertThat(CliRun.in(ws, "status").exitCode()).isZero();
    }

    @Test
    void theOriginalSystemsFormatWrittenOverAJournalledWorkspaceIsRead() throws IOException {
        add("a");
        add("b");
        add("c");
        Files.writeString(ws.resolve("queue.json"), """
                {"version": "1.0", "api_endpoint": "http://127.0.0.1:8420",
                 "tasks": [{"id": "old_1", "type": "grind", "description": "from the Python system"},
                           {"id": "old_2", "type": "grind"}],
                 "completed": ["old_1"], "failed": []}
                """);
        Files.writeString(ws.resolve("execution_log.json"), """
                {"version": "1.0", "tasks": {}, "swarm_summary": {"total_tasks": 2, "completed": 1,
                 "in_progress": 0, "pending": 1, "failed": 0}}
                """);

        add("d");

        everyVerbAnswers();
        assertThat(ids()).containsExactly("old_1", "old_2", "d");
        assertThat(CliRun.in(ws, "status", "--json").out()).contains("\"completed\": 1").contains("\"pending\": 2");
    }

    @Test
    void clearMovesADocumentItCannotReadAsideAndReportsIt() throws IOException {
        add("a");
        Path queue = ws.resolve("queue.json");
        Files.writeString(queue, "{\"tasks\": [{\"id\": ");
        assertThat(CliRun.in(ws, "status").exitCode()).isEqualTo(2);

        CliRun clear = CliRun.in(ws, "clear");

        assertThat(clear.exitCode()).as(clear.err()).isZero();
        List<Path> aside = corruptCopies("queue.json");
        assertThat(aside).hasSize(1);
        assertThat(Files.readString(aside.get(0))).isEqualTo("{\"tasks\": [{\"id\": ");
        assertThat(clear.out() + clear.err()).contains(aside.get(0).getFileName().toString());
        everyVerbAnswers();
        add("b");
        assertThat(ids()).containsExactly("b");
    }

    @Test
    void clearMovesAnUnreadableLogAsideToo() throws IOException {
        add("a");
        Files.writeString(ws.resolve("execution_log.json"), "{\"tasks\": {\"a\": {\"status\": \"exploded\"}}}");

        CliRun clear = CliRun.in(ws, "clear");

        assertThat(clear.exitCode()).as(clear.err()).isZero();
        assertThat(corruptCopies("execution_log.json")).hasSize(1);
        assertThat(ids()).isEmpty();
        everyVerbAnswers();
    }

    @Test
    void aJournalThatCannotBeReadIsRepairedNotReported() throws IOException {
        add("a");
        add("b");
        Files.writeString(ws.resolve("task_locks/.journal"), "garbage\n{\"seq\": 1}\n");

        everyVerbAnswers();
        add("c");
        assertThat(ids()).containsExactly("a", "b", "c");
    }

    // --- helpers ---

    private void add(String id) {
        CliRun run = CliRun.in(ws, "add", id, "grind");
        assertThat(run.exitCode()).as("add " + id + ": " + run.err()).isZero();
    }

    private List<String> ids() {
        List<String> ids = new ArrayList<>();
        WorkspaceFiles.queue(ws).get("tasks").forEach(t -> ids.add(t.get("id").asString()));
        return ids;
    }

    /** Every verb answers (exit 0, or 1 for a batch with failures), and never with more than one line on stderr. */
    private void everyVerbAnswers() {
        for (String[] verb : List.of(new String[] {"status"}, new String[] {"status", "--json"},
                new String[] {"retry", "--failed"}, new String[] {"start", "1", "--dry-run"})) {
            CliRun run = CliRun.in(ws, verb);
            assertThat(run.exitCode()).as(String.join(" ", verb) + ": " + run.err()).isIn(0, 1);
            assertThat(run.err()).as(String.join(" ", verb)).doesNotContain("Exception", "\tat ");
        }
    }

    private List<Path> corruptCopies(String name) throws IOException {
        try (Stream<Path> files = Files.list(ws)) {
            return files.filter(f -> f.getFileName().toString().startsWith(name + ".corrupt-")).toList();
        }
    }

    private void git(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@t"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(ws.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", args) + ": " + out).isZero();
    }
}
