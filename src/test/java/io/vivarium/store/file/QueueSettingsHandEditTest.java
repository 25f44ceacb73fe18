package io.vivarium.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code queue.json}'s {@code queues} are the user's to edit, so a limit written by hand must hold as written or be
 * reported: a misspelt field or a fractional concurrency was read as no limit (or a smaller one) without a word,
 * and the next checkpoint dropped what the user wrote.
 */
class QueueSettingsHandEditTest {

    @TempDir
    Path ws;

    @Test
    void aMisspeltLimitIsReportedWithThePathAndTheFileIsLeftAsItIs() throws Exception {
        assertReported("{\"tests\": {\"concurency\": 1}}", "queues.tests: unknown field 'concurency'");
    }

    @Test
    void aFractionalConcurrencyIsReportedNotRoundedDown() throws Exception {
        assertReported("{\"tests\": {\"concurrency\": 2.7}}", "concurrency must be a whole number");
    }

    @Test
    void aValidHandEditHolds() throws Exception {
        CliRun.in(ws, "add", "a", "grind", "--command", "true", "--queue", "tests");
        edit("{\"tests\": {\"concurrency\": 2, \"rate\": \"3/s\", \"paused\": true}}");
        CliRun queue = CliRun.in(ws, "queue");
        assertThat(queue.exitCode()).as(queue.err()).isZero();
        assertThat(queue.out()).containsPattern("\ntests +1 +0 +0 +0 +2 +3/s +paused\n");
    }

    private void assertReported(String queues, String why) throws Exception {
        CliRun.in(ws, "add", "a", "grind", "--command", "true", "--queue", "tests");
        edit(queues);
        byte[] edited = Files.readAllBytes(ws.resolve("queue.json"));

        for (String[] verb : new String[][] {{"queue"}, {"start", "1"}, {"add", "b", "grind"}}) {
            CliRun run = CliRun.in(ws, verb);
            assertThat(run.exitCode()).as(String.join(" ", verb) + ": " + run.out()).isEqualTo(2);
            assertThat(run.errLines()).as(String.join(" ", verb)).singleElement().asString()
                    .contains(ws.resolve("queue.json").toString()).contains(why);
        }
        assertThat(Files.readAllBytes(ws.resolve("queue.json"))).as("never overwritten").isEqualTo(edited);
    }

    private void edit(String queues) throws Exception {
        Path file = ws.resolve("queue.json");
        String text = Files.readString(file);
        Files.writeString(file, text.replaceFirst("\"tasks\"", "\"queues\": " + queues.replace("$", "\\$") + ",\n  \"tasks\""));
    }
}
