package io.githubcache.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TouchIntervalTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aQuarterOfInactiveCappedAtAMinute() {
        assertThat(TouchInterval.forInactive(Duration.ofSeconds(20)).nanos()).isEqualTo(5 * SECOND);
        assertThat(TouchInterval.forInactive(Duration.ofMinutes(4)).nanos()).isEqualTo(60 * SECOND);
        assertThat(TouchInterval.forInactive(Duration.ofDays(365)).nanos()).isEqualTo(60 * SECOND);
        assertThat(TouchInterval.forInactive(Duration.ofSeconds(Long.MAX_VALUE)).nanos()).isEqualTo(60 * SECOND);
        assertThat(TouchInterval.forInactive(Duration.ofNanos(1)).millis()).isEqualTo(1);
    }

    @Test
    void dueOnceTheIntervalHasPassedSinceTheLastReport() {
        TouchInterval interval = TouchInterval.forInactive(Duration.ofSeconds(20));
        long told = 1_000 * SECOND;

        assertThat(interval.due(told, told)).isFalse();
        assertThat(interval.due(told, told + 5 * SECOND - 1)).isFalse();
        assertThat(interval.due(told, told + 5 * SECOND)).isTrue();
        assertThat(interval.due(-told, -told + 6 * SECOND)).isTrue(); // nanoTime may be negative
    }

    @Test
    void aCopyNeverReportedIsDue() {
        assertThat(TouchInterval.forInactive(Duration.ofSeconds(20)).due(0, 1)).isTrue();
    }
}
