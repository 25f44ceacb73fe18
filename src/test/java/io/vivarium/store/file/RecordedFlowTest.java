package io.vivarium.store.file;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.task.FlowSettings;
import io.vivarium.task.QueueLimits;
import io.vivarium.task.Rate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that has not read the queue says whether the workspace or a queue is paused from the journal's records or
 * the head of {@code queue.json} (what {@code status} asks: at 100,000 tasks, reading the queue for it cost a second),
 * and says it rightly; a hand edit of the queue file makes it read the queue.
 */
class RecordedFlowTest {

    @TempDir
    Path workspace;

    private FlowSettings freshStoreSays(boolean readsQueue) {
        try (FileTaskStore store = new FileTaskStore(workspace, Clock.systemUTC())) {
            FlowSettings says = store.flowSettings();
            assertThat(store.hasReadQueue()).as("read the queue").isEqualTo(readsQueue);
            return says;
        }
    }

    @Test
    void theSettingsAreReadWithoutTheTasksAndRightly() throws Exception {
        try (FileTaskStore store = new FileTaskStore(workspace, Clock.systemUTC())) {
            store.add(IntStream.range(0, 500).mapToObj(i -> aTask("t" + i).build()).toList());
        }
        assertThat(freshStoreSays(false)).isEqualTo(FlowSettings.NONE);

        FlowSettings set = FlowSettings.NONE.withPaused(true)
                .withQueue("llm", QueueLimits.NONE.withRate(Rate.parse("60/min")).withPaused(true));
        try (FileTaskStore store = new FileTaskStore(workspace, Clock.systemUTC())) {
            store.changeFlow(f -> set);
        }
        assertThat(freshStoreSays(false)).isEqualTo(set);
        assertThat(QueueHead.flow(workspace.resolve("queue.json"))).as("the checkpoint wrote them at the head")
                .contains(set);

        try (FileTaskStore store = new FileTaskStore(workspace, Clock.systemUTC())) {
            store.add(List.of(aTask("more").build()));
            store.changeFlow(f -> f.withPaused(false));
        }
        assertThat(freshStoreSays(false)).isEqualTo(set.withPaused(false));

        String edited = Files.readString(workspace.resolve("queue.json")).replace("\"queues\"", "\"paused\": true, \"queues\"");
        Files.writeString(workspace.resolve("queue.json"), edited);
        assertThat(freshStoreSays(true)).as("a hand edit is read whole").isEqualTo(set);
    }

    @Test
    void oneStoreThatHasNotReadTheQueueFollowsChangesMadeElsewhere() {
        try (FileTaskStore writer = new FileTaskStore(workspace, Clock.systemUTC());
             FileTaskStore reader = new FileTaskStore(workspace, Clock.systemUTC())) {
            writer.add(List.of(aTask("a").build()));
            writer.changeFlow(f -> f.withPaused(true));
            assertThat(reader.summary().totalTasks()).isEqualTo(1);
            assertThat(reader.flowSettings().paused()).as("after another read of the journal").isTrue();
            writer.changeFlow(f -> f.withPaused(false).withQueue("q", QueueLimits.NONE.withConcurrency(2)));
            assertThat(reader.summary().totalTasks()).isEqualTo(1);
            assertThat(reader.flowSettings()).isEqualTo(writer.flowSettings());
            assertThat(reader.hasReadQueue()).isFalse();
        }
    }
}
