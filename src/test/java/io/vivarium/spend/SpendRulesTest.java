package io.vivarium.spend;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vivarium.task.GrindResult;
import io.vivarium.task.InvalidTaskException;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one rule both stores apply, and the one parser every way of giving a limit goes through. */
class SpendRulesTest {

    private static final Instant NOW = Instant.parse("2026-01-15T10:30:00Z");
    private static final Task TEN_CENTS = aTask("t").build();

    private static Optional<SpendLimit> limit(String dollars) {
        return Optional.of(SpendLimit.parse("limit", dollars));
    }

    private static SpendLedger ledger(String limit, long spent, long reserved) {
        return new SpendLedger(limit == null ? Optional.empty() : limit(limit), spent, reserved, new TreeMap<>());
    }

    @ParameterizedTest
    @CsvSource({"5, 5000000", "5.00, 5000000", "$5.00, 5000000", "' 0.25 ', 250000", "0, 0", "0.000001, 1",
            "1e2, 100000000", "1000000000, 1000000000000000"})
    void dollarsAsUsersWriteThem(String text, long micros) {
        assertThat(SpendLimit.parse("limit", text).micros()).isEqualTo(micros);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-0.01", "abc", "NaN", "Infinity", "0x10", "5d", "1,5", "", "5.0000001", "$", "1000000000.01"})
    void anythingElseIsRefusedNamingTheField(String text) {
        assertThatThrownBy(() -> SpendLimit.parse("limit", text))
                .isInstanceOf(InvalidTaskException.class)
                .hasMessageStartingWith("limit must be")
                .satisfies(e -> assertThat(((InvalidTaskException) e).field()).isEqualTo("limit"));
    }

    @Test
    void aBlankSettingIsNoLimitAndTheSmallerOfTwoLimitsWins() {
        assertThat(SpendLimit.parseOptional("x", " ")).isEmpty();
        assertThat(SpendLimit.tighter(limit("2"), limit("3"))).isEqualTo(limit("2"));
        assertThat(SpendLimit.tighter(Optional.empty(), limit("3"))).isEqualTo(limit("3"));
        assertThat(SpendLimit.tighter(limit("3"), Optional.empty())).isEqualTo(limit("3"));
        assertThat(SpendLimit.tighter(Optional.empty(), Optional.empty())).isEmpty();
    }

    @Test
    void aTaskFitsWhenSpentPlusReservedPlusItsCapIsAtMostTheCeiling() {
        assertThat(ledger("1.00", 600_000, 300_000).fits(TEN_CENTS, Optional.empty())).isTrue();
        assertThat(ledger("1.00", 600_000, 300_001).fits(TEN_CENTS, Optional.empty())).isFalse();
        assertThat(ledger("1.00", 0, 0).fits(TEN_CENTS, limit("0.09"))).isFalse();
        assertThat(ledger(null, 5_000_000, 0).fits(TEN_CENTS, Optional.empty())).isTrue();
        assertThat(ledger("1.00", 2_000_000, 0).room(Optional.empty())).hasValue(0);
        assertThat(ledger(null, 0, 0).room(Optional.empty())).isEmpty();
    }

    @Test
    void aChangeComesFromTheRunBeforeAndAfterAWrite() {
        TaskRun pending = TaskRun.pending();
        TaskRun running = pending.claim("t", "w", NOW);
        TaskRun done = running.complete("t", NOW, GrindResult.success(0.04, "ok", 0, null));
        TaskRun abandoned = running.abandon("t", NOW, "worker died", true, TEN_CENTS.maxBudget());

        assertThat(SpendChange.of(TEN_CENTS, pending, running)).isEqualTo(new SpendChange(0, 100_000));
        assertThat(SpendChange.of(TEN_CENTS, running, done)).isEqualTo(new SpendChange(40_000, -100_000));
        assertThat(SpendChange.of(TEN_CENTS, running, abandoned)).isEqualTo(new SpendChange(100_000, -100_000));
        assertThat(SpendChange.of(TEN_CENTS, done, done.retry("t"))).isEqualTo(SpendChange.NONE);
    }

    @Test
    void applyingChangesCountsTheirChargesOnTheirDay() {
        SpendLedger ledger = SpendLedger.empty()
                .apply(new SpendChange(0, 100_000), NOW)
                .apply(new SpendChange(40_000, -100_000), NOW)
                .apply(new SpendChange(10_000, 0), NOW.plusSeconds(86_400));

        assertThat(ledger.spentMicros()).isEqualTo(50_000);
        assertThat(ledger.reservedMicros()).isZero();
        assertThat(ledger.spentByDay()).containsExactly(Map.entry(LocalDate.of(2026, 1, 15), 40_000L),
                Map.entry(LocalDate.of(2026, 1, 16), 10_000L));
        assertThat(ledger.cleared()).isEqualTo(SpendLedger.empty());
    }

    @Test
    void aLedgerThatWouldGoBelowZeroIsAnError() {
        assertThatThrownBy(() -> SpendLedger.empty().apply(new SpendChange(0, -1), NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLedgerBuiltFromEntriesCountsEveryAttemptAndEveryRunningCap() {
        Task a = aTask("a").build();
        Task b = aTask("b").maxBudget(0.3).build();
        TaskRun aRun = TaskRun.pending().claim("a", "w", NOW)
                .fail("a", NOW, GrindResult.failure(0.03, "x", 1, null), NOW.plusSeconds(2));
        TaskRun bRun = TaskRun.pending().claim("b", "w", NOW);

        SpendLedger ledger = SpendLedger.of(List.of(a, b), Map.of("a", aRun, "b", bRun)::get, NOW);

        assertThat(ledger.spentMicros()).isEqualTo(30_000);
        assertThat(ledger.reservedMicros()).isEqualTo(300_000);
    }
}
