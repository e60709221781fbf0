package io.githubcache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.cache.CacheStatus;
import io.githubcache.cache.HeaderList;
import io.githubcache.route.ProxyExchange;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CacheMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CacheMetrics metrics = new CacheMetrics(registry);

    private static ProxyExchange px(CacheStatus status) {
        ProxyExchange px = new ProxyExchange("GET", "/repos/o/r", HeaderList.empty());
        px.status(status);
        return px;
    }

    @Test
    void classifiesWhatCostNoRateLimit() {
        assertThat(CacheMetrics.savedReason(px(CacheStatus.HIT))).isEqualTo(CacheMetrics.SavedReason.HIT);
        assertThat(CacheMetrics.savedReason(px(CacheStatus.REVALIDATED)))
                .isEqualTo(CacheMetrics.SavedReason.NOT_MODIFIED);
        ProxyExchange waited = px(CacheStatus.HIT);
        waited.collapsed(true);
        assertThat(CacheMetrics.savedReason(waited)).isEqualTo(CacheMetrics.SavedReason.COALESCED);
        ProxyExchange limited = px(CacheStatus.STALE);
        limited.detail("rate-limited");
        assertThat(CacheMetrics.savedReason(limited)).isEqualTo(CacheMetrics.SavedReason.RATE_LIMITED);
        assertThat(CacheMetrics.savedReason(px(CacheStatus.MISS))).isNull();
        assertThat(CacheMetrics.savedReason(px(CacheStatus.EXPIRED))).isNull();
        assertThat(CacheMetrics.savedReason(px(CacheStatus.BYPASS))).isNull();
        assertThat(CacheMetrics.savedReason(px(CacheStatus.STALE))).isNull();
    }

    @Test
    void countsRequestsByCacheStatusAndStatusClass() {
        metrics.responded(px(CacheStatus.HIT), 200);
        metrics.responded(px(CacheStatus.HIT), 304);
        metrics.responded(px(CacheStatus.MISS), 404);
        metrics.responded(px(CacheStatus.STALE), 101);

        assertThat(count("HIT", "2xx")).isEqualTo(1);
        assertThat(count("HIT", "3xx")).isEqualTo(1);
        assertThat(count("MISS", "4xx")).isEqualTo(1);
        assertThat(count("STALE", "1xx")).isEqualTo(1);
        assertThat(count("EXPIRED", "5xx")).isZero();
        assertThat(registry.get(CacheMetrics.SAVED).tag("reason", "hit").counter().count()).isEqualTo(2);
    }

    @Test
    void countsRequestsTheProxyRefusedItselfUnderTheirCacheStatus() {
        metrics.refused(400);
        metrics.refused(431);
        metrics.refused(503);

        assertThat(count("BYPASS", "4xx")).isEqualTo(2);
        assertThat(count("BYPASS", "5xx")).isEqualTo(1);
        // not coalesced, and they saved nothing
        assertThat(registry.get(CacheMetrics.COALESCED).counter().count()).isZero();
        assertThat(registry.get(CacheMetrics.SAVED).counters()).allMatch(c -> c.count() == 0);
    }

    @Test
    void labelsUpstreamFailuresAsError() {
        metrics.upstreamAnswered(-1, TimeUnit.MILLISECONDS.toNanos(30));
        metrics.upstreamAnswered(502, TimeUnit.MILLISECONDS.toNanos(10));

        assertThat(registry.get(CacheMetrics.UPSTREAM_REQUESTS).tag("status", "error").counter().count()).isEqualTo(1);
        assertThat(registry.get(CacheMetrics.UPSTREAM_REQUESTS).tag("status", "502").counter().count()).isEqualTo(1);
        assertThat(registry.get(CacheMetrics.UPSTREAM_DURATION).tag("status_class", "error").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(30);
    }

    @Test
    void keepsTheLastRateLimitNumbersAndBoundsTheSeries() {
        metrics.rateLimitSeen("abc", "core", 5000, 10, 1_900_000_000L);
        metrics.rateLimitSeen("abc", "core", 5000, 9, 1_900_000_001L);
        metrics.rateLimitSeen("-", "search", 30, 29, 1_900_000_002L);

        assertThat(gauge(CacheMetrics.RATELIMIT_REMAINING, "abc", "core")).isEqualTo(9);
        assertThat(gauge(CacheMetrics.RATELIMIT_RESET, "abc", "core")).isEqualTo(1_900_000_001L);
        assertThat(gauge(CacheMetrics.RATELIMIT_LIMIT, "anonymous", "search")).isEqualTo(30);

        for (int i = 0; i < CacheMetrics.MAX_RATE_LIMIT_SERIES + 10; i++) {
            metrics.rateLimitSeen("t" + i, "core", 5000, 1, 0);
        }
        assertThat(registry.find(CacheMetrics.RATELIMIT_REMAINING).gauges())
                .hasSize(CacheMetrics.MAX_RATE_LIMIT_SERIES);
        // known pairs are still updated after the bound was reached
        metrics.rateLimitSeen("abc", "core", 5000, 3, 0);
        assertThat(gauge(CacheMetrics.RATELIMIT_REMAINING, "abc", "core")).isEqualTo(3);
    }

    private double count(String cacheStatus, String statusClass) {
        return registry.get(CacheMetrics.REQUESTS).tag("cache_status", cacheStatus).tag("status_class", statusClass)
                .counter().count();
    }

    private double gauge(String name, String token, String resource) {
        return registry.get(name).tag("token_fingerprint", token).tag("resource", resource).gauge().value();
    }
}
