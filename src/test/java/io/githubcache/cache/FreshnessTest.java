package io.githubcache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FreshnessTest {

    private static final Instant STORED = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant EXPIRES = STORED.plusSeconds(60);
    private static final CachedResponse ENTRY =
            new CachedResponse(200, HeaderList.empty(), new byte[0], STORED, EXPIRES);

    private final Freshness freshness = new Freshness(Duration.ofMinutes(5));

    @Test
    void freshBeforeExpiry() {
        assertThat(freshness.isFresh(ENTRY, STORED)).isTrue();
        assertThat(freshness.isFresh(ENTRY, EXPIRES.minusNanos(1))).isTrue();
    }

    @Test
    void notFreshAtOrAfterExpiry() {
        assertThat(freshness.isFresh(ENTRY, EXPIRES)).isFalse();
        assertThat(freshness.isFresh(ENTRY, EXPIRES.plusSeconds(1))).isFalse();
    }

    @Test
    void mayServeStaleWithinBound() {
        assertThat(freshness.mayServeStale(ENTRY, EXPIRES)).isTrue();
        assertThat(freshness.mayServeStale(ENTRY, EXPIRES.plusSeconds(299))).isTrue();
        assertThat(freshness.mayServeStale(ENTRY, EXPIRES.plus(Duration.ofMinutes(5)).minusNanos(1))).isTrue();
    }

    @Test
    void mayNotServeStaleBeyondBound() {
        assertThat(freshness.mayServeStale(ENTRY, EXPIRES.plus(Duration.ofMinutes(5)))).isFalse();
        assertThat(freshness.mayServeStale(ENTRY, EXPIRES.plus(Duration.ofHours(1)))).isFalse();
    }

    @Test
    void neverServesStaleWhenBoundIsZero() {
        Freshness never = new Freshness(Duration.ZERO);

        assertThat(never.mayServeStale(ENTRY, EXPIRES)).isFalse();
        assertThat(never.mayServeStale(ENTRY, EXPIRES.plusNanos(1))).isFalse();
        assertThat(never.mayServeStale(ENTRY, STORED)).isFalse();
    }

    @Test
    void ttlSecondsCountsDown() {
        assertThat(Freshness.ttlSeconds(ENTRY, STORED)).isEqualTo(60);
        assertThat(Freshness.ttlSeconds(ENTRY, STORED.plusSeconds(45))).isEqualTo(15);
        assertThat(Freshness.ttlSeconds(ENTRY, EXPIRES)).isZero();
    }

    @Test
    void ttlSecondsIsNegativeAfterExpiry() {
        assertThat(Freshness.ttlSeconds(ENTRY, EXPIRES.plusSeconds(10))).isEqualTo(-10);
        assertThat(Freshness.ttlSeconds(ENTRY, EXPIRES.plusSeconds(1))).isNegative();
    }
}
