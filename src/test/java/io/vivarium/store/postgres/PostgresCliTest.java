package io.vivarium.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.Vivarium;
import io.vivarium.store.WorkspaceJson;
import io.vivarium.support.JavaProcess;
import io.vivarium.support.PostgresDatabase;
import io.vivarium.task.Summary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The real CLI, in processes of its own, on a PostgreSQL store: add, run, and a status that scripts can read. */
class PostgresCliTest {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase();

    @TempDir
    Path workspace;

    private record Run(int exit, String out, String err) {
    }

    private Run cli(String... args) throws Exception {
        Path out = Files.createTempFile(workspace, "out", ".txt");
        Path err = Files.createTempFile(workspace, "err", ".txt");
        Process process = JavaProcess.start(JavaProcess.builder(Vivarium.class, args)
                .directory(workspace.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile()));
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void addStartAndStatusJsonWorkOnTheDatabaseWithNothingButTheAnswerOnStdout() throws Exception {
        Run added = cli("add", "hello", "grind", "--command", "echo hi", "--store", db.url());
        Run started = cli("start", "--store", db.url());
        Run status = cli("status", "--json", "--store", db.url());

        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(added.err()).isEmpty();
        assertThat(started.exit()).as(started.err()).isZero();
        assertThat(status.exit()).isZero();
        assertThat(status.err()).isEmpty();
        Summary summary = WorkspaceJson.mapper().readValue(status.out(), Summary.class);
        assertThat(summary.totalTasks()).isEqualTo(1);
        assertThat(summary.completed()).isEqualTo(1);
        assertThat(workspace.resolve("queue.json")).doesNotExist();
    }
}
