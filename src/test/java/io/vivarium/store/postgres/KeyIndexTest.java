package io.vivarium.store.postgres;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStores;
import io.vivarium.support.PostgresServer;
import io.vivarium.task.Task;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A keyed add finds the unfinished holder of its key through an index, not by reading every unfinished row. */
class KeyIndexTest {

    @TempDir
    Path workspace;

    @Test
    void theKeyLookupUsesThePartialIndex() throws Exception {
        String name = PostgresServer.shared().createDatabase();
        try (TaskStore store = TaskStores.open(StoreLocation.of(workspace, PostgresServer.shared().url(name)),
                Clock.systemUTC(), StoreSettings.defaults())) {
            store.add(IntStream.range(0, 2000).mapToObj(i -> aTask("plain-" + i).build()).toList());
            List<Task> keyed = new ArrayList<>();
            IntStream.range(0, 50).forEach(i -> keyed.add(aTask("keyed-" + i).key("k" + i).build()));
            store.addDeduplicated(keyed);
            assertThat(store.addDeduplicated(List.of(aTask("again").key("k7").build())).get(0).id())
                    .isEqualTo("keyed-7");
        }
        String jdbc = "jdbc:postgresql://127.0.0.1:" + PostgresServer.shared().port() + "/" + name;
        try (Connection c = DriverManager.getConnection(jdbc, PostgresServer.USER, PostgresServer.PASSWORD)) {
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE vivarium_task");
            }
            StringBuilder plan = new StringBuilder();
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + Definitions.HELD_KEYS)) {
                ps.setArray(1, c.createArrayOf("text", new Object[] {"k7"}));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
            }
            assertThat(plan.toString()).contains("vivarium_task_unfinished_key").doesNotContain("Seq Scan");
        }
    }
}
