package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.githubcache.redis.RedisFillLock;
import io.githubcache.support.ProxyHarness;
import io.githubcache.support.RedisServer;
import io.githubcache.support.UpstreamStub;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lock rules across replicas are the single-node ones: a replica waiting for another replica's fill goes
 * upstream itself after lock-age (the holder's lock lapses) or, at the latest, after lock-timeout.
 */
class RedisLockEndToEndTest {

    private static RedisServer redis;
    private static UpstreamStub upstream;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.startNew();
        upstream = new UpstreamStub();
    }

    @AfterAll
    static void stop() throws Exception {
        upstream.openGate();
        upstream.close();
        redis.close();
    }

    private static ProxyHarness replica(String lockAge, String lockTimeout) throws Exception {
        return ProxyHarness.start(upstream.url(), "github.cache.store", "redis", "github.cache.redis-url", redis.url(),
                "github.cache.lock-age", lockAge, "github.cache.lock-timeout", lockTimeout);
    }

    private static CompletableFuture<HttpResponse<byte[]>> getAsync(ProxyHarness p, String path) {
        return p.client().sendAsync(HttpRequest.newBuilder(URI.create(p.url() + path)).timeout(Duration.ofSeconds(60))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static int waitingOn(ProxyHarness replica) {
        return ((RedisFillLock) replica.app().services().fillLock()).waiting();
    }

    private void holdOneFillOnAThenSeeBGoUpstream(ProxyHarness a, ProxyHarness b, String path) throws Exception {
        int before = upstream.entered();
        upstream.closeGate();
        try {
            CompletableFuture<HttpResponse<byte[]>> onA = getAsync(a, path);
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.entered() == before + 1);
            CompletableFuture<HttpResponse<byte[]>> onB = getAsync(b, path);
            await().atMost(Duration.ofSeconds(10)).until(() -> waitingOn(b) == 1);
            assertThat(upstream.count(path)).isEqualTo(1); // B waits instead of asking too
            // the rule lets B through: it reaches the (still closed) upstream itself
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.entered() == before + 2);
            assertThat(upstream.count(path)).isEqualTo(2);
            upstream.openGate();
            assertThat(onA.get().statusCode()).isEqualTo(200);
            HttpResponse<byte[]> fromB = onB.get();
            assertThat(fromB.statusCode()).isEqualTo(200);
            assertThat(status(fromB)).isEqualTo("MISS");
        } finally {
            upstream.openGate();
        }
    }

    @Test
    void afterLockTimeoutTheWaitingReplicaGoesUpstreamItself() throws Exception {
        try (ProxyHarness a = replica("1m", "2s"); ProxyHarness b = replica("1m", "2s")) {
            holdOneFillOnAThenSeeBGoUpstream(a, b, "/repos/o/lock-timeout");
        }
    }

    @Test
    void afterLockAgeTheHoldersLockLapsesAndOneMoreReplicaMayFetch() throws Exception {
        try (ProxyHarness a = replica("2s", "1m"); ProxyHarness b = replica("2s", "1m")) {
            holdOneFillOnAThenSeeBGoUpstream(a, b, "/repos/o/lock-age");
        }
    }
}
