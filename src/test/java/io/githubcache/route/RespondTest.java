package io.githubcache.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.cache.CacheStatus;
import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.HeaderList;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RespondTest {

    private static final Instant FETCHED = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant NOW = FETCHED.plusMillis(5);

    private static ProxyExchange leader(CacheStatus status) {
        ProxyExchange px = new ProxyExchange("GET", "/repos/o/r", HeaderList.empty());
        px.status(status);
        return px;
    }

    private static CachedResponse entry(int status, Duration life) {
        return new CachedResponse(status, HeaderList.empty(), new byte[] {'{', '}'}, FETCHED, FETCHED.plus(life));
    }

    @Test
    void waitersGetTheLifetimeOfTheEntryTheLeaderJustStored() {
        ProxyExchange px = leader(CacheStatus.MISS);
        px.respondWith(entry(200, Duration.ofSeconds(60)), false);
        px.stored(true);

        CachedResponse shared = Respond.forWaiters(px, NOW);

        assertThat(shared.storedAt()).isEqualTo(FETCHED);
        assertThat(shared.expiresAt()).isEqualTo(FETCHED.plusSeconds(60));
    }

    @Test
    void waitersOfAStored404GetItsOwnLifetime() {
        ProxyExchange px = leader(CacheStatus.MISS);
        px.respondWith(entry(404, Duration.ofSeconds(30)), false);
        px.stored(true);

        assertThat(Respond.forWaiters(px, NOW).expiresAt()).isEqualTo(FETCHED.plusSeconds(30));
    }

    @Test
    void waitersOfAnEntryServedFromTheCacheGetThatEntrysLifetime() {
        ProxyExchange px = leader(CacheStatus.STALE);
        px.respondWith(entry(200, Duration.ofSeconds(-75)), true);

        assertThat(Respond.forWaiters(px, NOW).expiresAt()).isEqualTo(FETCHED.minusSeconds(75));
    }

    @Test
    void anAnswerThatIsNoEntryCarriesNow() {
        ProxyExchange px = leader(CacheStatus.MISS);
        // an expired entry was looked up, then the upstream's answer was passed through unstored
        px.respondWith(entry(200, Duration.ofSeconds(-10)), true);
        px.respondWith(502, HeaderList.empty(), new byte[0], false);

        CachedResponse shared = Respond.forWaiters(px, NOW);

        assertThat(shared.storedAt()).isEqualTo(NOW);
        assertThat(shared.expiresAt()).isEqualTo(NOW);
        assertThat(shared.status()).isEqualTo(502);
    }
}
