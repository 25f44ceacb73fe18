package io.vivarium.store.file;

import io.vivarium.store.StartRuleAgreement;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The start rule's agreement on a workspace directory: its indexes must claim what the rule allows. */
class FileStartRuleAgreementTest extends StartRuleAgreement {

    @TempDir
    Path workspace;

    @Override
    protected TaskStore openStore(Clock clock, StoreSettings settings) {
        return new FileTaskStore(workspace, clock, settings);
    }

    @Override
    protected int queues() {
        return 2000;
    }
}
