package io.vivarium.task;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskModelTest {

    private static final Instant NOW = Instant.parse("2026-01-15T10:30:00Z");

    @Test
    void defaultsFollowTheContract() {
        Task task = aTask("t").build();

        assertThat(task.type()).isEqualTo(TaskType.GRIND);
        assertThat(task.minBudget()).isEqualTo(0.05);
        assertThat(task.maxBudget()).isEqualTo(0.10);
        assertThat(task.intensity()).isEqualTo(Intensity.MEDIUM);
        assertThat(task.priority()).isEqualTo(Priority.MEDIUM);
        assertThat(task.maxAttempts()).isEqualTo(3);
        assertThat(task.dependsOn()).isEmpty();
        assertThat(task.kind()).isEqualTo(Task.GrindKind.EMPTY);
    }

    @Test
    void aMinimumAboveTheDefaultMaximumRaisesTheMaximum() {
        assertThat(aTask("t").minBudget(0.2).build().maxBudget()).isEqualTo(0.2);
    }

    @Test
    void commandWinsOverPrompt() {
        assertThat(aTask("t").command("true").prompt("hi").build().kind()).isEqualTo(Task.GrindKind.COMMAND);
        assertThat(aTask("t").prompt("hi").build().kind()).isEqualTo(Task.GrindKind.PROMPT);
        assertThat(aTask("t").command("  ").build().kind()).isEqualTo(Task.GrindKind.EMPTY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"task_001", "a", "A.b-c_9", "9lives", "v1.2.3"})
    void validIds(String id) {
        assertThat(TaskId.isValid(id)).isTrue();
    }

    @Test
    void idsAreAtMost128Characters() {
        assertThat(TaskId.isValid("x".repeat(128))).isTrue();
        assertThat(TaskId.isValid("x".repeat(129))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../x", "a/b", ".hidden", "-flag", "a b", "a\nb", "ä", "C:\\x", "a\u0000"})
    void invalidIds(String id) {
        assertThat(TaskId.isValid(id)).isFalse();
        assertThatThrownBy(() -> aTask(id).build()).isInstanceOf(InvalidTaskException.class)
                .extracting(e -> ((InvalidTaskException) e).field()).isEqualTo("id");
    }

    @Test
    void budgetRulesNameTheField() {
        assertThatThrownBy(() -> aTask("t").minBudget(0.0).build())
                .isInstanceOf(InvalidTaskException.class).extracting("field").isEqualTo("min_budget");
        assertThatThrownBy(() -> aTask("t").minBudget(Double.NaN).build())
                .isInstanceOf(InvalidTaskException.class).extracting("field").isEqualTo("min_budget");
        assertThatThrownBy(() -> aTask("t").minBudget(0.1).maxBudget(0.05).build())
                .isInstanceOf(InvalidTaskException.class).extracting("field").isEqualTo("max_budget");
        assertThatThrownBy(() -> aTask("t").maxBudget(Double.POSITIVE_INFINITY).build())
                .isInstanceOf(InvalidTaskException.class).extracting("field").isEqualTo("max_budget");
    }

    @ParameterizedTest
    @ValueSource(doubles = {1e-7, 0.00009999, 0.0000015, 0.000000000001})
    void budgetsFinerThanTheMetersMicroDollarAreRefusedNamingTheField(double dollars) {
        assertThatThrownBy(() -> aTask("t").minBudget(dollars).maxBudget(1.0).build())
                .isInstanceOf(InvalidTaskException.class).extracting("field").isEqualTo("min_budget");
        assertThatThrownBy(() -> aTask("t").minBudget(0.000001).maxBudget(1e-6 + dollars).build())
                .isInstanceOf(InvalidTaskException.class)
                .hasMessageContaining("max_budget must be a whole number of micro-dollars")
                .extracting("field").isEqualTo("max_budget");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.000001, 0.000015, 0.0001, 0.05, 0.1, 0.3, 123.456789, 1000})
    void budgetsInWholeMicroDollarsAreKeptExactly(double dollars) {
        Task task = aTask("t").minBudget(dollars).maxBudget(dollars).build();

        assertThat(task.minBudget()).isEqualTo(dollars);
        assertThat(Money.round(task.minBudget())).as("what the meter charges at least").isEqualTo(dollars);
    }

    @Test
    void theSmallestBudgetIsOneMicroDollarAndSaysSo() {
        assertThatThrownBy(() -> aTask("t").minBudget(1e-7).build())
                .hasMessage("min_budget must be a whole number of micro-dollars, the meter's unit: at least 0.000001, "
                        + "at most 6 decimal places (got 0.0000001)");
    }

    @Test
    void duplicateDependenciesCollapse() {
        assertThat(aTask("t").dependsOn(List.of("a", "b", "a")).build().dependsOn()).containsExactly("a", "b");
    }

    @Test
    void theLifecycleFollowsTheTransitionTable() {
        TaskRun claimed = TaskRun.pending().claim("t", "worker_1", NOW);
        assertThat(claimed.status()).isEqualTo(TaskStatus.IN_PROGRESS);
        assertThat(claimed.attempts()).isEqualTo(1);

        TaskRun done = claimed.complete("t", NOW.plusSeconds(5), GrindResult.success(0.07, "ok", 0, ""));
        assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(done.completedAt()).isEqualTo(NOW.plusSeconds(5));
        assertThat(done.budgetUsed()).isEqualTo(0.07);

        assertThatThrownBy(() -> done.claim("t", "worker_2", NOW)).isInstanceOf(IllegalTransitionException.class)
                .hasMessage("task 't' is completed and cannot become in_progress");
        assertThatThrownBy(() -> done.cancel("t", NOW, 0.10)).isInstanceOf(IllegalTransitionException.class);
        assertThat(done.retry("t").status()).isEqualTo(TaskStatus.PENDING);
        assertThat(done.retry("t").attempts()).isZero();
    }

    @Test
    void aFailedAttemptWithAttemptsLeftWaitsForItsBackoff() {
        TaskRun claimed = TaskRun.pending().claim("t", "w", NOW);

        TaskRun retrying = claimed.fail("t", NOW, GrindResult.failure(0.05, "exit code 1", 1, ""), NOW.plusSeconds(2));

        assertThat(retrying.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(retrying.error()).isEqualTo("exit code 1");
        Task task = Task.grind("t").build();
        assertThat(StartRule.check(task, retrying, id -> null, StartRule.Context.at(NOW.plusSeconds(1))).reason())
                .isEqualTo(StartRule.Reason.BACKOFF);
        assertThat(StartRule.check(task, retrying, id -> null, StartRule.Context.at(NOW.plusSeconds(2))).mayStart())
                .isTrue();
        // A user's retry drops the backoff and keeps what the attempts cost.
        TaskRun retried = retrying.retried("t").orElseThrow();
        assertThat(retried.backoffUntil()).isNull();
        assertThat(retried.spent()).isEqualTo(0.05);
        assertThat(TaskRun.pending().retried("t")).isEmpty();
        assertThat(claimed.fail("t", NOW, GrindResult.failure(0.05, "x", 1, ""), null).status())
                .isEqualTo(TaskStatus.FAILED);
    }

    @Test
    void everyFinalStateCanOnlyGoBackToPendingExceptBlocked() {
        for (TaskStatus status : List.of(TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.CANCELLED)) {
            assertThat(List.of(TaskStatus.values())).filteredOn(status::canMoveTo)
                    .containsExactly(TaskStatus.PENDING);
        }
    }

    @Test
    void summaryCountsEveryQueuedTaskOnce() {
        List<Task> tasks = List.of(aTask("a").build(), aTask("b").build(), aTask("c").build());
        Map<String, TaskRun> runs = Map.of(
                "a", TaskRun.pending().claim("a", "w", NOW).complete("a", NOW, GrindResult.success(0.05, "", null, null)),
                "b", TaskRun.pending().claim("b", "w", NOW),
                "ghost", TaskRun.legacy(TaskStatus.FAILED));

        Summary summary = Summary.of(tasks, runs);

        assertThat(summary).isEqualTo(new Summary(3, 1, 1, 1, 0, 0, 0, 0.05));
        assertThat(summary.isSettled()).isFalse();
    }

    @Test
    void cyclesAreFoundThroughLongChains() {
        var edges = new java.util.HashMap<String, List<String>>();
        for (int i = 0; i < 10_000; i++) {
            edges.put("t" + i, List.of("t" + (i + 1)));
        }
        edges.put("t10000", List.of());
        assertThat(DependencyGraph.findCycle(edges)).isEmpty();

        edges.put("t10000", List.of("t5000"));
        List<String> cycle = DependencyGraph.findCycle(edges);
        assertThat(cycle).hasSize(5002).startsWith("t5000").endsWith("t5000");
    }

    @Test
    void timestampsRoundTripInTheFilesFormat() {
        assertThat(Timestamps.format(NOW)).isEqualTo("2026-01-15T10:30:00.000000+00:00");
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 10_000; i++) {
            Instant any = Instant.ofEpochSecond(random.nextLong(0, 253_402_300_799L), random.nextInt(1_000_000_000));
            assertThat(Timestamps.format(any)).isEqualTo(
                    java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx")
                            .withZone(java.time.ZoneOffset.UTC).format(any));
        }
        assertThat(Timestamps.parse("2026-01-15T11:30:00+01:00")).isEqualTo(NOW);
        assertThat(Timestamps.parse("2026-01-15T10:30:00Z")).isEqualTo(NOW);
        assertThat(Timestamps.parse("2026-01-15T10:30:00")).isEqualTo(NOW);
        assertThatThrownBy(() -> Timestamps.parse("yesterday")).isInstanceOf(IllegalArgumentException.class);
    }
}
