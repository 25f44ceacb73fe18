package io.vivarium.store.file;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vivarium.spend.SpendLedger;
import io.vivarium.store.CorruptFileException;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.support.CliRun;
import io.vivarium.support.WorkspaceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ledger's place in {@code execution_log.json}: beside the entries, read from older logs, refused when broken. */
class LogLedgerTest {

    @TempDir
    Path workspace;

    private FileTaskStore store() {
        return new FileTaskStore(workspace, Clock.systemUTC());
    }

    @Test
    void aLogWrittenBeforeSpendWasKeptCountsItsEntriesAndGainsTheFieldsAtItsNextWrite() {
        FileTaskStore store = store();
        store.add(List.of(aTask("done").build(), aTask("running").maxBudget(0.2).build(), aTask("next").build()));
        WorkspaceFiles.write(workspace.resolve("execution_log.json"), """
                {"version": "1.0", "tasks": {
                  "done": {"worker_id": "w", "status": "completed", "attempts": 1, "budget_used": 0.07},
                  "running": {"worker_id": "w", "status": "in_progress", "attempts": 1}}}
                """);

        SpendLedger before = store.spend(Optional.empty()).ledger();

        assertThat(before.spentMicros()).isEqualTo(70_000);
        assertThat(before.reservedMicros()).isEqualTo(200_000);
        store.commit(WorkerIdentity.create(), List.of(), 1);
        // A busy pool's commit reaches the log with the next checkpoint, well within a second.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(3))
                .until(() -> WorkspaceFiles.log(workspace).has("spent"));
        assertThat(WorkspaceFiles.log(workspace).get("spent").asDouble()).isEqualTo(0.07);
        assertThat(WorkspaceFiles.log(workspace).get("reserved").asDouble()).isEqualTo(0.3);
        assertThat(WorkspaceFiles.log(workspace).get("tasks").get("done").get("spent").asDouble()).isEqualTo(0.07);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"spent\": \"lots\"", "\"reserved\": -1", "\"spend_limit\": \"5\"",
            "\"spent_by_day\": {\"yesterday\": 1}", "\"spent_by_day\": [1]", "\"spend_limit\": 1e12"})
    void aLedgerThatCannotBeReadIsACorruptFileLeftUntouched(String field) throws Exception {
        store().add(List.of(aTask("a").build()));
        Path log = workspace.resolve("execution_log.json");
        WorkspaceFiles.write(log, "{\"version\": \"1.0\", \"tasks\": {}, " + field + "}\n");
        byte[] before = Files.readAllBytes(log);

        assertThatThrownBy(() -> store().commit(WorkerIdentity.create(), List.of(), 1))
                .isInstanceOf(CorruptFileException.class)
                .hasMessageContaining(log.toString());
        CliRun limit = CliRun.in(workspace, "limit", "set", "3");
        assertThat(limit.exitCode()).isEqualTo(2);
        assertThat(limit.err()).contains(log.toString()).contains("left unchanged");
        assertThat(Files.readAllBytes(log)).isEqualTo(before);
    }
}
