package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.body;
import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.githubcache.redis.RedisFillLock;
import io.githubcache.support.ManagementClient;
import io.githubcache.support.ProxyHarness;
import io.githubcache.support.RedisServer;
import io.githubcache.support.UpstreamStub;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas (A and B, each a whole proxy in this JVM with its own memory tier) sharing one real
 * {@code redis-server}: an entry one replica fetched is served by the other, concurrent misses spread over
 * both replicas cost one upstream request, and Redis going away and coming back never fails a request.
 */
class RedisScaleOutEndToEndTest {

    private static RedisServer redis;
    private static UpstreamStub upstream;
    private static ProxyHarness a;
    private static ProxyHarness b;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.startNew();
        upstream = new UpstreamStub();
        a = replica();
        b = replica();
    }

    private static ProxyHarness replica() throws Exception {
        return ProxyHarness.start(upstream.url(), "github.cache.store", "redis",
                "github.cache.redis-url", redis.url(), "github.cache.max-memory", "16MB");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, upstream, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @AfterEach
    void redisBackAndUpstreamOpen() throws Exception {
        upstream.openGate();
        redis.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.app().redis().isUp() && b.app().redis().isUp());
    }

    @Test
    void lookupsThatWaitOnRedisRunOnCamelsExecutorNotTheEventLoop() {
        assertThat(a.routesOnCamelsExecutor()).isTrue();
        assertThat(b.routesOnCamelsExecutor()).isTrue();
    }

    @Test
    void anEntryFetchedByOneReplicaIsServedByTheOther() throws Exception {
        HttpResponse<byte[]> first = a.get("/repos/o/shared-a-then-b");
        HttpResponse<byte[]> second = b.get("/repos/o/shared-a-then-b");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(status(first)).isEqualTo("MISS");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(status(second)).isEqualTo("HIT");
        assertThat(body(second)).isEqualTo(body(first));
        assertThat(upstream.count("/repos/o/shared-a-then-b")).isEqualTo(1);
    }

    @Test
    void concurrentMissesOverBothReplicasCostOneUpstreamRequest() throws Exception {
        String path = "/repos/o/crowd";
        upstream.closeGate();
        List<CompletableFuture<HttpResponse<byte[]>>> crowd = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ProxyHarness replica = i % 2 == 0 ? a : b;
            crowd.add(replica.client().sendAsync(HttpRequest.newBuilder(URI.create(replica.url() + path))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray()));
        }
        // one replica's leader is at the upstream, the other replica's leader waits for it via Redis
        await().atMost(Duration.ofSeconds(15))
                .until(() -> upstream.entered() == 1 && waitingOn(a) + waitingOn(b) == 1);
        upstream.openGate();

        List<String> statuses = new ArrayList<>();
        String firstBody = null;
        for (CompletableFuture<HttpResponse<byte[]>> f : crowd) {
            HttpResponse<byte[]> r = f.get();
            assertThat(r.statusCode()).isEqualTo(200);
            firstBody = firstBody == null ? body(r) : firstBody;
            assertThat(body(r)).isEqualTo(firstBody);
            statuses.add(status(r));
        }
        assertThat(upstream.count(path)).isEqualTo(1);
        assertThat(statuses).filteredOn("MISS"::equals).hasSize(1);
        assertThat(statuses).filteredOn("HIT"::equals).hasSize(19);
    }

    @Test
    void sharedEntriesHoldNoToken() throws Exception {
        String token = "ghp_RedisMustNeverSeeThis0123456789";
        HttpResponse<byte[]> first = a.get("/repos/o/private", "Authorization", "token " + token);
        HttpResponse<byte[]> second = b.get("/repos/o/private", "Authorization", "token " + token);
        assertThat(status(first)).isEqualTo("MISS");
        assertThat(status(second)).isEqualTo("HIT");
        assertThat(upstream.count("/repos/o/private")).isEqualTo(1);
        // another token is another partition: not served from the first token's entry
        assertThat(status(b.get("/repos/o/private", "Authorization", "token other"))).isEqualTo("MISS");

        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.url());
        try (var c = client.connect(io.lettuce.core.codec.ByteArrayCodec.INSTANCE)) {
            List<byte[]> keys = c.sync().keys("*".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(keys).isNotEmpty();
            for (byte[] k : keys) {
                assertThat(new String(k, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(token);
                byte[] v = c.sync().get(k);
                if (v != null) {
                    assertThat(new String(v, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(token)
                            .doesNotContain("RedisMustNeverSeeThis");
                }
            }
        } finally {
            client.shutdown();
        }
    }

    private static int waitingOn(ProxyHarness replica) {
        return ((RedisFillLock) replica.app().services().fillLock()).waiting();
    }

    @Test
    void redisDownKeepsAnsweringAndRedisBackIsSharedAgain() throws Exception {
        ManagementClient managementA = new ManagementClient(a.managementPort());
        redis.stop();

        HttpResponse<byte[]> onA = a.get("/repos/o/while-down");
        HttpResponse<byte[]> onB = b.get("/repos/o/while-down");
        assertThat(onA.statusCode()).isEqualTo(200);
        assertThat(status(onA)).isEqualTo("MISS");
        assertThat(onB.statusCode()).isEqualTo(200);
        assertThat(status(onB)).isEqualTo("MISS"); // nothing shared while Redis is away, but nothing fails
        assertThat(upstream.count("/repos/o/while-down")).isEqualTo(2);
        // each replica still has its own memory tier
        assertThat(status(a.get("/repos/o/while-down"))).isEqualTo("HIT");
        assertThat(upstream.count("/repos/o/while-down")).isEqualTo(2);

        HttpResponse<String> health = managementA.get("/observe/health?exposureLevel=full&data=true");
        assertThat(health.statusCode()).isEqualTo(200); // degraded, not down: no orchestrator restarts
        assertThat(health.body()).startsWith("{\"status\":\"UP\"").contains("github-cache-redis")
                .contains("degraded");
        assertThat(managementA.get("/observe/health/ready").statusCode()).isEqualTo(200);
        ManagementClient.Scrape down = managementA.scrape();
        assertThat(down.value("github_cache_redis_up")).isEqualTo(0.0);
        assertThat(down.value("github_cache_redis_errors_total")).isGreaterThanOrEqualTo(1.0);

        redis.start(); // empty: the server keeps nothing on disk
        await().atMost(Duration.ofSeconds(10)).until(() -> a.app().redis().isUp() && b.app().redis().isUp());
        assertThat(managementA.scrape().value("github_cache_redis_up")).isEqualTo(1.0);
        assertThat(managementA.get("/observe/health?exposureLevel=full&data=true").body()).doesNotContain("degraded");

        HttpResponse<byte[]> again = a.get("/repos/o/after-recovery");
        HttpResponse<byte[]> shared = b.get("/repos/o/after-recovery");
        assertThat(status(again)).isEqualTo("MISS");
        assertThat(status(shared)).isEqualTo("HIT");
        assertThat(upstream.count("/repos/o/after-recovery")).isEqualTo(1);
    }
}
