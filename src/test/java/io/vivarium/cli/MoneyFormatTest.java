package io.vivarium.cli;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.Finish;
import io.vivarium.store.Lease;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliRun;
import io.vivarium.task.GrindResult;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dollars as the CLI prints them: to the micro-dollar budgets are valid to, so small spends do not read as $0. */
class MoneyFormatTest {

    @TempDir
    Path workspace;

    @Test
    void statusShowsASpendUnderAHundredthOfACent() {
        spend(0.000042, 0.000001);

        CliRun status = CliRun.in(workspace, "status");

        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("Budget used:  $0.000043").contains("Spend: $0.000043");
    }

    @Test
    void aSumOfChargesPrintsWithoutFloatNoise() {
        spend(0.1, 0.2);

        assertThat(CliRun.in(workspace, "status").out()).contains("Budget used:  $0.30\n")
                .contains("Spend: $0.30");
    }

    /** Two tasks run to completion through the store, each charged one of these amounts. */
    private void spend(double first, double second) {
        try (FileTaskStore store = new FileTaskStore(workspace, Clock.systemUTC())) {
            store.add(List.of(aTask("a").build(), aTask("b").build()));
            WorkerIdentity worker = WorkerIdentity.create();
            List<Lease> leases = store.commit(worker, List.of(), 2).claimed();
            store.commit(worker, List.of(Finish.done(leases.get(0), GrindResult.success(first, "ok", 0, "")),
                    Finish.done(leases.get(1), GrindResult.success(second, "ok", 0, ""))), 0);
        }
    }
}
