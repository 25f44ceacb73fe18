package io.vivarium.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.ConcurrentAdder;
import io.vivarium.support.JavaProcess;
import io.vivarium.support.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Processes that open a new, empty database at the same moment all set its schema up: one migrates, the others find
 * it done. Before, they raced Flyway on the empty schema and some failed ("unable to baseline schema history table
 * ... as it already exists, and is empty": CI's KeyedAddRaceTest on PostgreSQL, whose two JVMs started together).
 * The window is narrow: this test did not hit it in a few runs without the lock, so it guards more than it proves.
 */
class SchemaSetupRaceTest {

    private static final int PROCESSES = 4;

    @TempDir
    Path workspace;

    @TempDir
    Path scratch;

    @Test
    void everyProcessOpeningANewDatabaseAtOnceSetsItsSchemaUp() throws Exception {
        String url = PostgresServer.shared().url(PostgresServer.shared().createDatabase());
        Path go = scratch.resolve("go");
        Files.deleteIfExists(go);
        List<Process> processes = new ArrayList<>();
        for (int p = 0; p < PROCESSES; p++) {
            processes.add(JavaProcess.start(scratch.resolve("p" + p + ".log"), ConcurrentAdder.class,
                    workspace.toString(), "p" + p, "3", "3", go.toString(), "--store", url));
        }
        Thread.sleep(1500); // the JVMs start and wait for the signal
        Files.writeString(go, "go");
        StringBuilder output = new StringBuilder();
        for (int p = 0; p < PROCESSES; p++) {
            assertThat(processes.get(p).waitFor(2, TimeUnit.MINUTES)).isTrue();
            output.append(Files.readString(scratch.resolve("p" + p + ".log")));
        }
        assertThat(processes).as(output.toString()).allSatisfy(p -> assertThat(p.exitValue()).isZero());
        assertThat(output.toString()).doesNotContain("cannot set up the schema");
    }
}
