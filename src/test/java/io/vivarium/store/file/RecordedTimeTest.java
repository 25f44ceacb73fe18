package io.vivarium.store.file;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that has not read the queue says whether a pending task waits for a time from the journal's last record
 * (what {@code status} asks before it would read 100,000 tasks for its schedule line), and says it rightly.
 */
class RecordedTimeTest {

    private static final Instant NOW = Instant.parse("2026-01-15T10:30:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path workspace;

    private boolean freshStoreSays() {
        try (FileTaskStore store = new FileTaskStore(workspace, CLOCK)) {
            boolean says = store.mayWaitForTime();
            assertThat(store.hasReadQueue()).as("answered without reading the queue").isFalse();
            return says;
        }
    }

    @Test
    void untimedTasksWaitForNothingAndATimedOneIsSeenByTheNextProcess() {
        try (FileTaskStore store = new FileTaskStore(workspace, CLOCK)) {
            store.add(List.of(aTask("a").build(), aTask("b").build()));
        }
        assertThat(freshStoreSays()).isFalse();

        // Added by a process that has not read the queue (the quick add), then by one that has.
        try (FileTaskStore store = new FileTaskStore(workspace, CLOCK)) {
            store.add(List.of(aTask("later").runAt(NOW.plus(Duration.ofHours(1))).build()));
        }
        assertThat(freshStoreSays()).isTrue();

        try (FileTaskStore store = new FileTaskStore(workspace, CLOCK)) {
            store.cancel("later");
            assertThat(store.mayWaitForTime()).isFalse();
        }
        assertThat(freshStoreSays()).isFalse();
    }
}
