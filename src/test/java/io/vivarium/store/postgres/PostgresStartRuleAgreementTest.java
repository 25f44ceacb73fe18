package io.vivarium.store.postgres;

import io.vivarium.store.StartRuleAgreement;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.support.PostgresDatabase;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The start rule's agreement on a real PostgreSQL: the claim's SQL must select what the rule allows. */
class PostgresStartRuleAgreementTest extends StartRuleAgreement {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase();

    @TempDir
    Path workspace;

    @Override
    protected TaskStore openStore(Clock clock, StoreSettings settings) {
        return TaskStores.open(db.location(workspace), clock, settings);
    }

    @Override
    protected int queues() {
        return 2000;
    }
}
