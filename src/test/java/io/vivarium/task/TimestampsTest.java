package io.vivarium.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

    @ParameterizedTest
    @ValueSource(strings = {"2026-01-15T10:30:00.123456+00:00", "2026-01-15T10:30:00+00:00", "2026-01-15T10:30:00Z",
            "2026-11-25T04:25:30.123456789Z", "2024-02-29T23:59:59.1Z", "1999-12-31T00:00:00.000000+00:00"})
    void theShortcutReadsWhatTheGeneralParserReads(String text) {
        assertThat(Timestamps.parse(text)).isEqualTo(OffsetDateTime.parse(text).toInstant());
        assertThat(Timestamps.parse(Timestamps.format(Timestamps.parse(text))))
                .isEqualTo(Instant.ofEpochSecond(Timestamps.parse(text).getEpochSecond(),
                        Timestamps.parse(text).getNano() / 1000 * 1000));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-01-15T10:30:00+02:00", "2026-01-15T10:30:00", "2026-01-15T10:30:00.5-05:00"})
    void otherOffsetsAndNaiveTimesStillGoThroughTheGeneralParser(String text) {
        Instant parsed = Timestamps.parse(text);
        assertThat(parsed).isNotNull();
        assertThat(Timestamps.format(parsed)).endsWith("+00:00");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-30T10:30:00Z", "2026-01-15T-1:30:00Z", "2026-13-15T10:30:00Z", "yesterday"})
    void impossibleDatesAreRefused(String text) {
        assertThatThrownBy(() -> Timestamps.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
