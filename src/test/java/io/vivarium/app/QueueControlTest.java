package io.vivarium.app;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vivarium.store.QueueStatus;
import io.vivarium.store.TaskStore;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStores;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.InvalidTaskException;
import io.vivarium.task.QueueLimits;
import io.vivarium.task.Rate;
import io.vivarium.task.StartRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link QueueControl} on a real file workspace: what changes, what stays, and bad input that changes nothing. */
class QueueControlTest {

    @TempDir
    Path workspace;

    TaskStore store;
    QueueControl queues;

    @BeforeEach
    void open() {
        store = TaskStores.open(StoreLocation.files(workspace), Clock.systemUTC(), StoreSettings.defaults());
        queues = new QueueControl(store);
    }

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    @Test
    void setChangesWhatIsGivenAndKeepsTheRest() {
        store.add(List.of(aTask("a").queue("deploys").build()));

        QueueStatus both = queues.set("deploys", QueueControl.concurrency("2"), QueueControl.rate("3/s"));
        assertThat(both.limits()).isEqualTo(new QueueLimits(2, Rate.parse("3/s"), false));
        assertThat(both.tasks().pending()).isEqualTo(1);

        QueueStatus rateOnly = queues.set("deploys", QueueControl.Change.keep(), QueueControl.rate("60/min"));
        assertThat(rateOnly.limits()).isEqualTo(new QueueLimits(2, Rate.parse("60/min"), false));

        queues.pauseQueue("deploys");
        QueueStatus noConcurrency = queues.set("deploys", QueueControl.concurrency("none"), QueueControl.Change.keep());
        assertThat(noConcurrency.limits()).as("a set leaves the pause as it is")
                .isEqualTo(new QueueLimits(null, Rate.parse("60/min"), true));
        assertThat(noConcurrency.paused()).isTrue();
    }

    @Test
    void aQueueWithoutTasksMayBeLimitedAndForgottenAgain() {
        QueueStatus set = queues.set("later", QueueControl.concurrency(1), QueueControl.Change.keep());
        assertThat(queues.list()).extracting(QueueStatus::name).containsExactly("default", "later");
        assertThat(set.tasks().totalTasks()).isZero();

        QueueStatus cleared = queues.set("later", QueueControl.Change.remove(), QueueControl.rate("NONE"));
        assertThat(cleared.limits()).isEqualTo(QueueLimits.NONE);
        assertThat(queues.list()).extracting(QueueStatus::name).containsExactly("default");
        assertThat(store.flow().settings()).isEqualTo(FlowSettings.NONE);
    }

    @Test
    void pausingAQueueAndTheWorkspaceHoldTheirTasksAndResumeLetsThemGo() {
        store.add(List.of(aTask("a").queue("deploys").build(), aTask("b").build()));

        assertThat(queues.pauseQueue("deploys").paused()).isTrue();
        assertThat(store.flow().check("deploys", java.time.Instant.now()).reason()).isEqualTo(StartRule.Reason.PAUSED);
        assertThat(store.flow().check("default", java.time.Instant.now()).mayStart()).isTrue();

        assertThat(queues.pause().paused()).isTrue();
        assertThat(queues.view().paused()).isTrue();
        assertThat(queues.list()).allMatch(QueueStatus::paused);

        assertThat(queues.resumeQueue("deploys").paused()).as("the workspace's pause still holds it").isTrue();
        assertThat(queues.resume().paused()).isFalse();
        assertThat(queues.list()).noneMatch(QueueStatus::paused);
        assertThat(store.flow().settings()).isEqualTo(FlowSettings.NONE);
    }

    @Test
    void resumingAQueueThatDoesNotExistIsAnErrorNamingItAndChangesNothing() throws Exception {
        store.add(List.of(aTask("a").queue("deploys").build()));
        queues.pauseQueue("held");
        byte[] before = journal();

        assertThatThrownBy(() -> queues.resumeQueue("deplyos"))
                .isInstanceOf(UnknownQueueException.class)
                .hasMessageContaining("'deplyos'")
                .satisfies(e -> assertThat(((InvalidTaskException) e).field()).isEqualTo("queue"));
        assertThat(journal()).isEqualTo(before);

        assertThat(queues.resumeQueue("deploys").paused()).as("a queue that holds tasks is known").isFalse();
        assertThat(queues.resumeQueue("default").paused()).as("default always exists").isFalse();
        assertThat(queues.resumeQueue("held").paused()).as("a queue with settings is known").isFalse();
    }

    @Test
    void badInputNamesItsFieldAndChangesNothing() throws Exception {
        queues.set("q", QueueControl.concurrency(3), QueueControl.rate("5/s"));
        byte[] before = journal();

        assertField(() -> QueueControl.concurrency("-1"), "concurrency");
        assertField(() -> QueueControl.concurrency("0"), "concurrency");
        assertField(() -> QueueControl.concurrency("two"), "concurrency");
        assertField(() -> QueueControl.concurrency(10_001), "concurrency");
        assertField(() -> QueueControl.rate("0/min"), "rate");
        assertField(() -> QueueControl.rate("3 per second"), "rate");
        assertField(() -> queues.set("bad name", QueueControl.concurrency(1), QueueControl.Change.keep()), "queue");
        assertField(() -> queues.pauseQueue("../etc"), "queue");
        assertField(() -> queues.show("ghost"), "queue");

        assertThat(journal()).isEqualTo(before);
        assertThat(queues.show("q").limits()).isEqualTo(new QueueLimits(3, Rate.parse("5/s"), false));
    }

    private static void assertField(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field) {
        assertThatThrownBy(call).isInstanceOf(InvalidTaskException.class)
                .satisfies(e -> assertThat(((InvalidTaskException) e).field()).isEqualTo(field));
    }

    private byte[] journal() throws Exception {
        try (var files = Files.list(workspace)) {
            StringBuilder all = new StringBuilder();
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                all.append(file.getFileName()).append('\n').append(Files.readString(file)).append('\n');
            }
            return all.toString().getBytes();
        }
    }
}
