package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.cache.CacheStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StatusHeadersTest {

    @Test
    void hit() {
        assertThat(StatusHeaders.cacheStatus(CacheStatus.HIT, 42L, false, false, null))
                .isEqualTo("github-cache; hit; ttl=42");
    }

    @Test
    void collapsedHitHidesTheOtherRequestsForwardStatus() {
        assertThat(StatusHeaders.cacheStatus(CacheStatus.HIT, 60L, false, true, 200))
                .isEqualTo("github-cache; hit; ttl=60; collapsed");
    }

    @Test
    void staleIsAHitWithDetailAndNegativeTtl() {
        assertThat(StatusHeaders.cacheStatus(CacheStatus.STALE, -15L, false, false, 502))
                .isEqualTo("github-cache; hit; detail=stale; ttl=-15");
    }

    @Test
    void missStored() {
        assertThat(StatusHeaders.cacheStatus(CacheStatus.MISS, 60L, true, false, 200))
                .isEqualTo("github-cache; fwd=uri-miss; fwd-status=200; ttl=60; stored");
    }

    @Test
    void missNotStored() {
        assertThat(StatusHeaders.cacheStatus(CacheStatus.MISS, null, false, false, 500))
                .isEqualTo("github-cache; fwd=uri-miss; fwd-status=500");
    }

    @Test
    void missWithoutUpstreamAnswer() {
        assertThat(StatusHeaders.cacheStatus(CacheStatus.MISS, null, false, false, null))
                .isEqualTo("github-cache; fwd=uri-miss");
    }

    @Test
    void expired() {
        assertThat(StatusHeaders.cacheStatus(CacheStatus.EXPIRED, 60L, true, false, 200))
                .isEqualTo("github-cache; fwd=stale; fwd-status=200; ttl=60; stored");
    }

    @Test
    void revalidated() {
        assertThat(StatusHeaders.cacheStatus(CacheStatus.REVALIDATED, 60L, true, false, 304))
                .isEqualTo("github-cache; fwd=stale; fwd-status=304; ttl=60; stored");
    }

    @Test
    void bypass() {
        assertThat(StatusHeaders.cacheStatus(CacheStatus.BYPASS, null, false, false, 200))
                .isEqualTo("github-cache; fwd=bypass; fwd-status=200");
    }

    @Test
    void bypassThatStored() {
        assertThat(StatusHeaders.cacheStatus(CacheStatus.BYPASS, 60L, true, false, 200))
                .isEqualTo("github-cache; fwd=bypass; fwd-status=200; ttl=60; stored");
    }

    @Test
    void collapsedMissKeepsAllParametersInOrder() {
        assertThat(StatusHeaders.cacheStatus(CacheStatus.MISS, 30L, true, true, 404))
                .isEqualTo("github-cache; fwd=uri-miss; fwd-status=404; ttl=30; stored; collapsed");
    }

    @ParameterizedTest
    @EnumSource(CacheStatus.class)
    void everyStatusRendersAndStartsWithTheCacheName(CacheStatus status) {
        assertThat(StatusHeaders.cacheStatus(status, null, false, false, null)).startsWith("github-cache; ")
                .doesNotContain("null");
        assertThat(status.headerValue()).isEqualTo(status.name());
    }

    @Test
    void headerValuesAreNginxNames() {
        assertThat(CacheStatus.values()).extracting(CacheStatus::headerValue)
                .containsExactly("MISS", "HIT", "EXPIRED", "REVALIDATED", "STALE", "BYPASS");
    }

    @Test
    void rejected() {
        assertThat(StatusHeaders.rejectedCacheStatus()).isEqualTo("github-cache; fwd=request; detail=rejected");
        assertThat(StatusHeaders.REJECTED_STATUS.headerValue()).isEqualTo("BYPASS");
    }
}
