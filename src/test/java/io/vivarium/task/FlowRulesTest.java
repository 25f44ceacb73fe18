package io.vivarium.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Rates, queue limits, flow settings and what they leave room for: the flow's part of {@link StartRule}. */
class FlowRulesTest {

    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

    @Test
    void ratesReadAsUsersWriteThemAndWriteBackTheSame() {
        assertThat(Rate.parse("3/s")).isEqualTo(new Rate(3, Duration.ofSeconds(1)));
        assertThat(Rate.parse(" 60 / min ")).isEqualTo(new Rate(60, Duration.ofMinutes(1)));
        assertThat(Rate.parse("100/h").toString()).isEqualTo("100/h");
        assertThat(Rate.parse("5/10s")).isEqualTo(new Rate(5, Duration.ofSeconds(10)));
        assertThat(Rate.parse("5/10s").toString()).isEqualTo("5/10s");
        assertThat(Rate.parse("1000/1d").toString()).isEqualTo("1000/d");
        for (String bad : List.of("0/min", "-1/s", "3", "3/fortnight", "3/2d", "x/s", "", "20000/s")) {
            assertThatThrownBy(() -> Rate.parse(bad)).as(bad).isInstanceOf(InvalidTaskException.class)
                    .satisfies(e -> assertThat(((InvalidTaskException) e).field()).isEqualTo("rate"));
        }
    }

    @Test
    void limitsAndSettingsRefuseWhatCannotHoldAndForgetQueuesWithoutLimits() {
        assertThatThrownBy(() -> new QueueLimits(0, null, false)).isInstanceOf(InvalidTaskException.class)
                .hasMessageContaining("pause it");
        assertThatThrownBy(() -> new FlowSettings(false, Map.of("a/b", QueueLimits.NONE.withPaused(true))))
                .isInstanceOf(InvalidTaskException.class).hasMessageContaining("invalid queue name");
        FlowSettings settings = FlowSettings.NONE.withQueue("llm", QueueLimits.NONE.withConcurrency(2))
                .withQueue("idle", QueueLimits.NONE);
        assertThat(settings.queues()).containsOnlyKeys("llm");
        assertThat(settings.isActive()).isTrue();
        assertThat(settings.withQueue("llm", QueueLimits.NONE)).isEqualTo(FlowSettings.NONE);
        assertThat(FlowSettings.NONE.isActive()).isFalse();
    }

    @Test
    void aTasksQueueIsItsOwnOrChosenByItsKind() {
        assertThat(Task.grind("a").build().queueName()).isEqualTo("default");
        assertThat(Task.grind("a").prompt("hi").build().queueName()).isEqualTo("llm");
        assertThat(Task.grind("a").prompt("hi").queue("cheap").build().queueName()).isEqualTo("cheap");
        assertThatThrownBy(() -> Task.grind("a").queue("-x").build()).isInstanceOf(InvalidTaskException.class)
                .satisfies(e -> assertThat(((InvalidTaskException) e).field()).isEqualTo("queue"));
    }

    @Test
    void concurrencyCountsWhatRunsAndEachStartOfTheSameWrite() {
        FlowSettings settings = FlowSettings.NONE.withQueue("q", QueueLimits.NONE.withConcurrency(2));
        FlowRoom room = FlowRoom.of(settings, NOW, queue -> 1, queue -> List.of());
        assertThat(room.check("q", NOW).mayStart()).isTrue();
        assertThat(room.check("other", NOW).mayStart()).isTrue();
        FlowRoom full = room.afterStarting("q", NOW);
        assertThat(full.check("q", NOW).reason()).isEqualTo(StartRule.Reason.QUEUE_LIMIT);
        assertThat(full.check("q", NOW).detail()).isEqualTo("queue 'q' runs 2 of its 2 at once");
        assertThat(full.check("other", NOW).mayStart()).isTrue();
    }

    @Test
    void aRateLetsTheNextStartWhenTheOldestOfTheLastNLeavesTheWindow() {
        FlowSettings settings = FlowSettings.NONE.withQueue("api", QueueLimits.NONE.withRate(Rate.parse("3/10s")));
        List<Instant> starts = List.of(NOW.minusSeconds(30), NOW.minusSeconds(9), NOW.minusSeconds(4),
                NOW.minusSeconds(1));
        FlowRoom room = FlowRoom.of(settings, NOW, queue -> 0, queue -> starts);
        StartRule.Verdict held = room.check("api", NOW);
        assertThat(held.reason()).isEqualTo(StartRule.Reason.QUEUE_LIMIT);
        assertThat(held.until()).isEqualTo(NOW.plusSeconds(1));
        assertThat(held.detail()).contains("rate 3/10s").contains("next start in 1s");
        assertThat(room.check("api", NOW.plusSeconds(1)).mayStart()).as("the window is half-open").isTrue();

        FlowRoom fresh = FlowRoom.of(settings, NOW, queue -> 0, queue -> List.of());
        FlowRoom used = fresh.afterStarting("api", NOW).afterStarting("api", NOW);
        assertThat(used.check("api", NOW).mayStart()).isTrue();
        assertThat(used.afterStarting("api", NOW).check("api", NOW).until()).isEqualTo(NOW.plusSeconds(10));
    }

    @Test
    void pausesComeBeforeLimitsAndTheBudgetAfterThem() {
        Task task = Task.grind("t").queue("q").maxBudget(5.0).build();
        FlowSettings paused = FlowSettings.NONE.withPaused(true);
        StartRule.Context context = new StartRule.Context(NOW, OptionalLong.of(0),
                FlowRoom.of(paused, NOW, q -> 0, q -> List.of()));
        assertThat(StartRule.check(task, null, id -> null, context).reason()).isEqualTo(StartRule.Reason.PAUSED);
        assertThat(StartRule.check(task, null, id -> null, context).detail()).contains("vivarium resume");

        FlowSettings queuePaused = FlowSettings.NONE.withQueue("q", QueueLimits.NONE.withPaused(true));
        assertThat(FlowRoom.of(queuePaused, NOW, q -> 0, q -> List.of()).check("q", NOW).detail())
                .contains("queue 'q' is paused");
        StartRule.Context open = new StartRule.Context(NOW, OptionalLong.of(0), FlowRoom.NONE);
        assertThat(StartRule.check(task, null, id -> null, open).reason()).isEqualTo(StartRule.Reason.BUDGET);
        Task blocked = Task.grind("b").queue("q").dependsOn(List.of("gone")).build();
        assertThat(StartRule.check(blocked, null, id -> null, context).reason())
                .as("what only a write changes comes first").isEqualTo(StartRule.Reason.BLOCKED);
    }
}
