package io.vivarium.store.postgres;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.QueueStatus;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.support.PostgresServer;
import io.vivarium.task.QueueLimits;
import io.vivarium.task.QueueName;
import io.vivarium.task.Task;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database written before queues existed (schema version 2) is upgraded in place: each task row gets the queue
 * its definition gives it (its own, else {@code llm} for a prompt grind, else {@code default}), and limits set
 * after the upgrade hold those tasks to it.
 */
class QueuesMigrationTest {

    @TempDir
    Path workspace;

    @Test
    void rowsWrittenBeforeQueuesGetTheQueueTheirDefinitionGives() throws Exception {
        String name = PostgresServer.shared().createDatabase();
        String jdbc = "jdbc:postgresql://127.0.0.1:" + PostgresServer.shared().port() + "/" + name;
        Flyway.configure(Schema.class.getClassLoader())
                .dataSource(jdbc, PostgresServer.USER, PostgresServer.PASSWORD)
                .locations(Schema.LOCATION).table(Schema.HISTORY_TABLE).target("2").load().migrate();
        List<Task> old = List.of(aTask("plain").command("true").build(), aTask("asks").prompt("say hi").build(),
                aTask("asks-too").prompt("and again").build(), aTask("both").command("true").prompt("x").build(),
                aTask("named").command("true").queue("deploys").build());
        try (Connection c = DriverManager.getConnection(jdbc, PostgresServer.USER, PostgresServer.PASSWORD);
             PreparedStatement ps = c.prepareStatement("INSERT INTO vivarium_task (id, definition, priority, max_budget)"
                     + " VALUES (?, ?::json, 2, 100000)")) {
            for (Task task : old) {
                ps.setString(1, task.id());
                ps.setString(2, Documents.json(task));
                ps.addBatch();
            }
            ps.executeBatch();
        }

        try (TaskStore store = TaskStores.open(StoreLocation.of(workspace, PostgresServer.shared().url(name)),
                Clock.systemUTC(), StoreSettings.defaults())) {
            assertThat(store.queues()).extracting(QueueStatus::name, q -> q.tasks().pending())
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(QueueName.DEFAULT, 2),
                            org.assertj.core.groups.Tuple.tuple("deploys", 1),
                            org.assertj.core.groups.Tuple.tuple(QueueName.LLM, 2));
            store.changeFlow(f -> f.withQueue(QueueName.LLM, QueueLimits.NONE.withConcurrency(1)));
            assertThat(store.commit(WorkerIdentity.create(), List.of(), 5).claimed())
                    .extracting(lease -> lease.taskId())
                    .as("one of llm's two, every other").containsExactly("plain", "asks", "both", "named");
        }
    }
}
