package io.vivarium.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.support.ConcurrentAdder;
import io.vivarium.support.JavaProcess;
import io.vivarium.support.PostgresDatabase;
import io.vivarium.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * 30 adds with one key, from two JVMs of three threads each, at once, through the real CLI: one task is added, and
 * every other add answers "already queued as" that task. On the workspace files and on PostgreSQL.
 */
class KeyedAddRaceTest {

    private static final int PER_PROCESS = 15;
    private static final Pattern ALREADY = Pattern.compile("already queued as (\\S+)");

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase();

    @TempDir
    Path workspace;

    @TempDir
    Path scratch;

    @Test
    void onTheWorkspaceFilesOneOfThirtyRacingAddsWins() throws Exception {
        race(List.of(), StoreLocation.of(workspace, ""));
    }

    @Test
    void onPostgresOneOfThirtyRacingAddsWins() throws Exception {
        race(List.of("--store", db.url()), db.location(workspace));
    }

    private void race(List<String> storeArgs, StoreLocation location) throws Exception {
        Path go = scratch.resolve("go");
        List<Process> processes = new ArrayList<>();
        for (String prefix : List.of("alpha", "beta")) {
            List<String> args = new ArrayList<>(List.of(workspace.toString(), prefix, String.valueOf(PER_PROCESS), "3",
                    go.toString(), "--key", "deploy-main"));
            args.addAll(storeArgs);
            processes.add(JavaProcess.start(scratch.resolve(prefix + ".log"), ConcurrentAdder.class,
                    args.toArray(String[]::new)));
        }
        Files.writeString(go, "go");
        for (Process process : processes) {
            assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        }
        String output = Files.readString(scratch.resolve("alpha.log")) + Files.readString(scratch.resolve("beta.log"));
        assertThat(processes).as(output).allSatisfy(p -> assertThat(p.exitValue()).isZero());

        try (TaskStore store = TaskStores.open(location, Clock.systemUTC(), StoreSettings.defaults())) {
            List<Task> tasks = store.snapshot().tasks();
            assertThat(tasks).as(output).hasSize(1);
            String winner = tasks.get(0).id();
            assertThat(tasks.get(0).key()).isEqualTo("deploy-main");
            assertThat(output.lines().filter(l -> l.startsWith("Added ")).toList()).as(output)
                    .containsExactly(output.lines().filter(l -> l.startsWith("Added " + winner + " ")).findFirst()
                            .orElseThrow());
            Matcher already = ALREADY.matcher(output);
            int answered = 0;
            while (already.find()) {
                assertThat(already.group(1)).isEqualTo(winner);
                answered++;
            }
            assertThat(answered).isEqualTo(2 * PER_PROCESS - 1);
        }
    }
}
