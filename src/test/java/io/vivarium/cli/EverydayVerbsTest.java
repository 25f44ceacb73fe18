package io.vivarium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.WorkspaceJson;
import io.vivarium.support.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code show}, {@code list} and {@code logs} through the real CLI over a real workspace whose grinds really ran. */
class EverydayVerbsTest {

    @TempDir
    Path workspace;

    @Test
    void showTellsATasksWholeStory() {
        CliRun.in(workspace, "add", "build", "grind", "--command", "echo compiling; echo done", "--max", "0.5",
                "--description", "Build it");
        CliRun.in(workspace, "add", "test", "grind", "--command", "exit 3", "--depends-on", "build",
                "--max-attempts", "1");
        CliRun.in(workspace, "add", "ship", "grind", "--depends-on", "test");
        CliRun.in(workspace, "start", "2");

        CliRun build = CliRun.in(workspace, "show", "build");
        assertThat(build.exitCode()).as(build.err()).isZero();
        assertThat(build.out()).startsWith("build  completed")
                .contains("description  Build it", "command      echo compiling; echo done",
                        "attempt 1 of 3", "$0.05 spent of the $0.50 cap", "exit code    0", "result       exit code 0 after",
                        "dependents   test", "output:", "    compiling", "    done")
                .containsPattern("started +20\\d\\d-").containsPattern("ended +20\\d\\d-.* \\(took ");

        CliRun test = CliRun.in(workspace, "show", "test");
        assertThat(test.out()).startsWith("test  failed").contains("error        exit code 3",
                "depends on   build (completed)", "dependents   ship");

        CliRun ship = CliRun.in(workspace, "show", "ship");
        assertThat(ship.out()).startsWith("ship  blocked").contains("waits").contains("test");
    }

    @Test
    void showJsonIsTheStoryGetTasksIdAnswers() {
        CliRun.in(workspace, "add", "a", "grind");
        CliRun.in(workspace, "add", "b", "grind", "--depends-on", "a");

        CliRun show = CliRun.in(workspace, "show", "b", "--json");

        assertThat(show.exitCode()).as(show.err()).isZero();
        JsonNode story = WorkspaceJson.mapper().readTree(show.out());
        assertThat(story.get("task").get("id").asString()).isEqualTo("b");
        assertThat(story.get("status").asString()).isEqualTo("pending");
        assertThat(story.get("waiting").get("kind").asString()).isEqualTo("dependency");
        JsonNode a = WorkspaceJson.mapper().readTree(CliRun.in(workspace, "show", "a", "--json").out());
        assertThat(a.get("dependents").get(0).asString()).isEqualTo("b");
    }

    @Test
    void showOfAnUnknownTaskIsOneLineAndExitTwo() {
        CliRun show = CliRun.in(workspace, "show", "nope");

        assertThat(show.exitCode()).isEqualTo(2);
        assertThat(show.errLines()).containsExactly("vivarium show: no task 'nope' in the queue");
    }

    @Test
    void listIsATableInQueueOrderPagedAndFiltered() {
        for (int i = 1; i <= 5; i++) {
            CliRun.in(workspace, "add", "t" + i, "grind", "--description", i % 2 == 0 ? "even one" : "odd one");
        }
        CliRun.in(workspace, "add", "later", "grind", "--depends-on", "t1", "--queue", "nightly");

        CliRun page = CliRun.in(workspace, "list", "--limit", "2");
        assertThat(page.exitCode()).as(page.err()).isZero();
        assertThat(page.out().lines().toList()).hasSize(4);
        assertThat(page.out()).containsPattern("^ID +STATUS +QUEUE +PRIORITY +ATTEMPTS +SPENT +DESCRIPTION")
                .containsPattern("\nt1 +pending +default +medium +0/3 +\\$0\\.00 +odd one\n")
                .contains("1–2 of 6; next page: --offset 2");
        assertThat(CliRun.in(workspace, "list", "--limit", "2", "--offset", "4").out())
                .contains("t5").contains("later").contains("5–6 of 6").doesNotContain("next page");
        assertThat(CliRun.in(workspace, "list", "-q", "EVEN").out()).contains("t2", "t4").doesNotContain("t1 ");
        assertThat(CliRun.in(workspace, "list", "--queue", "nightly").out()).containsPattern("\nlater +pending +nightly")
                .doesNotContain("t1 ").contains("1–1 of 1");

        CliRun.in(workspace, "start", "1");
        CliRun.in(workspace, "add", "fresh", "grind");
        assertThat(CliRun.in(workspace, "list", "--status", "pending").out()).contains("fresh").doesNotContain("t3");
        JsonNode json = WorkspaceJson.mapper().readTree(CliRun.in(workspace, "list", "--status", "completed",
                "--json").out());
        assertThat(json.size()).isEqualTo(6);
        assertThat(json.get(0).get("task").get("id").asString()).isEqualTo("t1");
        assertThat(json.get(0).get("status").asString()).isEqualTo("completed");
    }

    @Test
    void listRefusesABadLimitInOneLine() {
        CliRun list = CliRun.in(workspace, "list", "--limit", "0");

        assertThat(list.exitCode()).isEqualTo(2);
        assertThat(list.errLines()).containsExactly("vivarium list: --limit must be between 1 and 1000 (got 0)");
        assertThat(CliRun.in(workspace, "list", "--status", "done").exitCode()).isEqualTo(2);
    }

    @Test
    void logsPrintsWhatTheGrindWroteAndKeepsItInTaskLogs() throws Exception {
        CliRun.in(workspace, "add", "talk", "grind", "--command", "echo one; echo two >&2; printf 'dr\\303\\244ht\\n'");
        CliRun.in(workspace, "start", "1");

        CliRun logs = CliRun.in(workspace, "logs", "talk");

        assertThat(logs.exitCode()).as(logs.err()).isZero();
        assertThat(logs.out()).isEqualTo("one\ntwo\ndräht\n");
        assertThat(Files.readString(workspace.resolve("task_logs/talk.log"))).isEqualTo("one\ntwo\ndräht\n");
        CliRun followed = CliRun.in(workspace, "logs", "talk", "-f");
        assertThat(followed.out()).as("a finished grind: -f prints what there is and ends").isEqualTo(logs.out());
        assertThat(CliRun.in(workspace, "logs", "ghost").exitCode()).isEqualTo(2);
    }

    @Test
    void helpListsTheEverydayVerbs() {
        CliRun help = CliRun.in(workspace, "--help");

        assertThat(help.out()).containsPattern("\n +show ").containsPattern("\n +list ").containsPattern("\n +logs ");
    }

    @Test
    void addWithAHeldKeyAddsNothingAndNamesTheTaskThatHoldsIt() {
        CliRun first = CliRun.in(workspace, "add", "nightly-1", "grind", "--key", "nightly");
        CliRun again = CliRun.in(workspace, "add", "nightly-2", "grind", "--key", "nightly");
        CliRun blank = CliRun.in(workspace, "add", "x", "grind", "--key", " ");

        assertThat(first.out()).startsWith("Added nightly-1 ");
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).isEqualTo("already queued as nightly-1\n");
        assertThat(blank.exitCode()).isEqualTo(2);
        assertThat(blank.errLines()).hasSize(1).first().asString().startsWith("vivarium add: --key: ");
        CliRun.in(workspace, "cancel", "nightly-1");
        assertThat(CliRun.in(workspace, "add", "nightly-2", "grind", "--key", "nightly").out()).startsWith("Added nightly-2 ");
    }

    @Test
    void pruneRemovesFinishedTasksKeepsWhatAPendingTaskNeedsAndKeepsTheSpend() throws Exception {
        CliRun.in(workspace, "add", "old", "grind", "--command", "echo old");
        CliRun.in(workspace, "add", "needed", "grind");
        CliRun.in(workspace, "start", "2");
        CliRun.in(workspace, "add", "waiting", "grind", "--depends-on", "needed", "--command", "exit 0");
        String costsBefore = CliRun.in(workspace, "costs").out();
        assertThat(workspace.resolve("task_logs/old.log")).exists();

        CliRun young = CliRun.in(workspace, "prune", "--older-than", "1h");
        CliRun prune = CliRun.in(workspace, "prune", "--status", "completed");

        assertThat(young.out()).isEqualTo("Nothing to prune.\n");
        assertThat(prune.exitCode()).as(prune.err()).isZero();
        assertThat(prune.out()).isEqualTo("Pruned 1 task: old\n");
        assertThat(CliRun.in(workspace, "list").out()).doesNotContain("old").contains("needed", "waiting");
        assertThat(workspace.resolve("task_logs/old.log")).doesNotExist();
        assertThat(costsBefore).contains("$0.10");
        assertThat(CliRun.in(workspace, "costs").out()).as("what old spent is still counted").contains("$0.10");
        assertThat(CliRun.in(workspace, "status", "--json").out()).contains("\"total_tasks\": 2", "\"spent\": 0.1,");
    }

    @Test
    void pruneRefusesBadInputInOneLineAndChangesNothing() {
        CliRun.in(workspace, "add", "a", "grind");
        CliRun.in(workspace, "start");

        CliRun age = CliRun.in(workspace, "prune", "--older-than", "soon");
        CliRun status = CliRun.in(workspace, "prune", "--status", "pending");

        assertThat(age.exitCode()).isEqualTo(2);
        assertThat(age.errLines()).hasSize(1).first().asString().startsWith("vivarium prune: --older-than: ");
        assertThat(status.exitCode()).isEqualTo(2);
        assertThat(status.errLines()).hasSize(1).first().asString().startsWith("vivarium prune: --status: ");
        assertThat(CliRun.in(workspace, "list").out()).contains("a ");
    }
}
