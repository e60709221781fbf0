package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.githubcache.support.ManagementClient;
import io.githubcache.support.ManagementClient.Scrape;
import io.githubcache.support.ProxyHarness;
import io.githubcache.support.RawHttp;
import io.githubcache.support.StubbedProxyTest;
import io.githubcache.support.UpstreamStub;
import java.lang.reflect.Field;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /observe/metrics on the management port, scraped after known request sequences through the real proxy. */
class MetricsEndToEndTest extends StubbedProxyTest {

    private ManagementClient management;

    @BeforeEach
    void connectManagement() {
        management = new ManagementClient(proxy.managementPort());
    }

    @Test
    void countsRequestsByCacheStatusUpstreamStatusAndSavings() throws Exception {
        assertThat(status(proxy.get("/repos/o/r"))).isEqualTo("MISS");
        assertThat(status(proxy.get("/repos/o/r"))).isEqualTo("HIT");
        assertThat(status(proxy.get("/repos/o/r"))).isEqualTo("HIT");
        proxy.clock().advance(Duration.ofSeconds(61));
        assertThat(status(proxy.get("/repos/o/r"))).isEqualTo("REVALIDATED");
        assertThat(status(proxy.get("/repos/o/r", "Pragma", "no-cache"))).isEqualTo("BYPASS");
        assertThat(proxy.get("/repos/o/missing").statusCode()).isEqualTo(404);
        assertThat(upstream.count()).isEqualTo(4);

        Scrape s = management.scrape();

        assertThat(s.value("github_cache_requests_total{cache_status=\"MISS\",status_class=\"2xx\"}")).isEqualTo(1);
        assertThat(s.value("github_cache_requests_total{cache_status=\"HIT\",status_class=\"2xx\"}")).isEqualTo(2);
        assertThat(s.value("github_cache_requests_total{cache_status=\"REVALIDATED\",status_class=\"2xx\"}"))
                .isEqualTo(1);
        assertThat(s.value("github_cache_requests_total{cache_status=\"BYPASS\",status_class=\"2xx\"}")).isEqualTo(1);
        assertThat(s.value("github_cache_requests_total{cache_status=\"MISS\",status_class=\"4xx\"}")).isEqualTo(1);
        assertThat(s.value("github_cache_requests_total{cache_status=\"EXPIRED\",status_class=\"2xx\"}")).isZero();
        assertThat(s.value("github_cache_requests_total{cache_status=\"STALE\",status_class=\"2xx\"}")).isZero();
        assertThat(s.sum("github_cache_requests_total")).isEqualTo(6);

        assertThat(s.value("github_cache_upstream_requests_total{status=\"200\"}")).isEqualTo(2);
        assertThat(s.value("github_cache_upstream_requests_total{status=\"304\"}")).isEqualTo(1);
        assertThat(s.value("github_cache_upstream_requests_total{status=\"404\"}")).isEqualTo(1);
        assertThat(s.sum("github_cache_upstream_requests_total")).isEqualTo(4);
        assertThat(s.value("github_cache_upstream_request_duration_seconds_count{status_class=\"2xx\"}")).isEqualTo(2);
        assertThat(s.value("github_cache_upstream_request_duration_seconds_count{status_class=\"3xx\"}")).isEqualTo(1);
        assertThat(s.value("github_cache_upstream_request_duration_seconds_bucket{status_class=\"2xx\",le=\"+Inf\"}"))
                .isEqualTo(2);
        assertThat(s.type("github_cache_upstream_request_duration_seconds")).isEqualTo("histogram");

        assertThat(s.value("github_cache_upstream_requests_saved_total{reason=\"hit\"}")).isEqualTo(2);
        assertThat(s.value("github_cache_upstream_requests_saved_total{reason=\"not_modified\"}")).isEqualTo(1);
        assertThat(s.value("github_cache_upstream_requests_saved_total{reason=\"coalesced\"}")).isZero();
        assertThat(s.value("github_cache_upstream_requests_saved_total{reason=\"rate_limited\"}")).isZero();
        assertThat(s.value("github_cache_requests_coalesced_total")).isZero();

        assertThat(s.help("github_cache_requests_total")).contains("X-Github-Cache-Status");
        assertThat(s.type("github_cache_requests_total")).isEqualTo("counter");
    }

    @Test
    void countsRequestsTheProxyRefusedBeforeTheRoute() throws Exception {
        Scrape before = management.scrape();

        assertThat(RawHttp.statusOf(RawHttp.exchange(proxy.port(), "GARBAGE\r\n\r\n"))).isEqualTo(400);
        assertThat(RawHttp.statusOf(RawHttp.exchange(proxy.port(),
                "TRACE /repos/o/r HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))).isEqualTo(405);
        assertThat(RawHttp.statusOf(RawHttp.exchange(proxy.port(), "GET /repos/o/r HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "X-Big: " + "b".repeat(17 * 1024) + "\r\n\r\n"))).isEqualTo(431);

        Scrape after = management.scrape();
        String bypass4xx = "github_cache_requests_total{cache_status=\"BYPASS\",status_class=\"4xx\"}";
        assertThat(after.value(bypass4xx) - before.value(bypass4xx)).isEqualTo(3);
        assertThat(after.sum("github_cache_requests_total") - before.sum("github_cache_requests_total")).isEqualTo(3);
        assertThat(upstream.count()).isZero();
    }

    @Test
    void reportsTheLastRateLimitNumbersPerTokenFingerprintNeverTheToken() throws Exception {
        proxy.get("/repos/o/r", "Authorization", "token ghp_secret1");
        proxy.get("/repos/o/other", "Authorization", "token ghp_secret1");
        proxy.get("/repos/o/r");
        assertThat(upstream.count()).isEqualTo(3);

        Scrape s = management.scrape();

        String fp = io.githubcache.cache.CacheKeyGenerator.fingerprint(
                io.githubcache.cache.Hashing.sha256Hex("token ghp_secret1"));
        String token = "{resource=\"core\",token_fingerprint=\"" + fp + "\"}";
        assertThat(s.value("github_cache_ratelimit_limit" + token)).isEqualTo(5000);
        // the stub counts down per request it received: the second request of this token was its 2nd overall
        assertThat(s.value("github_cache_ratelimit_remaining" + token)).isEqualTo(4998);
        assertThat(s.value("github_cache_ratelimit_reset_timestamp_seconds" + token)).isEqualTo(1.9e9);
        String anonymous = "{resource=\"core\",token_fingerprint=\"anonymous\"}";
        assertThat(s.value("github_cache_ratelimit_remaining" + anonymous)).isEqualTo(4997);
        assertThat(s.text()).doesNotContain("ghp_secret1");
    }

    @Test
    void reportsStoreTierEntriesBytesAndBound() throws Exception {
        Scrape before = management.scrape();
        assertThat(before.value("github_cache_entries{tier=\"memory\"}")).isZero();
        assertThat(before.value("github_cache_size_bytes{tier=\"memory\"}")).isZero();
        assertThat(before.value("github_cache_max_size_bytes{tier=\"memory\"}")).isEqualTo(256.0 * 1024 * 1024);
        assertThat(before.value("github_cache_evictions_total{tier=\"memory\"}")).isZero();

        upstream.vary("");
        proxy.get("/repos/o/a");
        proxy.get("/repos/o/b");

        Scrape after = management.scrape();
        assertThat(after.value("github_cache_entries{tier=\"memory\"}")).isEqualTo(2);
        assertThat(after.value("github_cache_size_bytes{tier=\"memory\"}")).isGreaterThan(0);
    }

    @Test
    void countsEvictionsOfTheMemoryTier() throws Exception {
        proxy.close();
        // room for about one response: every new one evicts the previous
        proxy = ProxyHarness.start(upstream.url(), "github.cache.max-memory", "1KB");
        management = new ManagementClient(proxy.managementPort());
        upstream.vary("");
        proxy.get("/repos/o/a");
        proxy.get("/repos/o/b");
        proxy.get("/repos/o/c");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            // Caffeine evicts in its maintenance cycle, just after the write
            assertThat(management.scrape().value("github_cache_evictions_total{tier=\"memory\"}"))
                    .isGreaterThanOrEqualTo(2);
        });
        assertThat(management.scrape().value("github_cache_entries{tier=\"memory\"}")).isLessThanOrEqualTo(1);
    }

    @Test
    void countsCoalescedRequestsAsSaved() throws Exception {
        upstream.closeGate();
        List<CompletableFuture<HttpResponse<byte[]>>> clients = List.of(
                CompletableFuture.supplyAsync(() -> get("/repos/o/slow")),
                CompletableFuture.supplyAsync(() -> get("/repos/o/slow")),
                CompletableFuture.supplyAsync(() -> get("/repos/o/slow")));
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.entered() == 1 && waitersOnOneFill() == 2);
        upstream.openGate();
        for (CompletableFuture<HttpResponse<byte[]>> c : clients) {
            assertThat(c.get().statusCode()).isEqualTo(200);
        }
        assertThat(upstream.count("/repos/o/slow")).isEqualTo(1);

        Scrape s = management.scrape();
        assertThat(s.value("github_cache_requests_coalesced_total")).isEqualTo(2);
        assertThat(s.value("github_cache_upstream_requests_saved_total{reason=\"coalesced\"}")).isEqualTo(2);
        assertThat(s.value("github_cache_upstream_requests_saved_total{reason=\"hit\"}")).isZero();
        assertThat(s.value("github_cache_requests_total{cache_status=\"MISS\",status_class=\"2xx\"}")).isEqualTo(1);
        assertThat(s.value("github_cache_requests_total{cache_status=\"HIT\",status_class=\"2xx\"}")).isEqualTo(2);
    }

    @Test
    void exposesJvmMetricsAndNoRawPathLabels() throws Exception {
        proxy.get("/repos/o/r?page=2");
        Scrape s = management.scrape();
        assertThat(s.sum("jvm_memory_used_bytes")).isGreaterThan(0);
        assertThat(s.has("process_uptime_seconds")).isTrue();
        assertThat(s.text()).doesNotContain("/repos/o/r");
    }

    private HttpResponse<byte[]> get(String target) {
        try {
            return proxy.get(target);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * How many requests wait on the single fetch in flight. The coalescer keeps its fills private; a waiter
     * is a dependent of the fill's future, so this is read by reflection rather than guessed with a sleep.
     */
    private int waitersOnOneFill() throws Exception {
        Object coalescer = proxy.app().services().coalescer();
        Field f = coalescer.getClass().getDeclaredField("fills");
        f.setAccessible(true);
        Map<?, ?> fills = (Map<?, ?>) f.get(coalescer);
        if (fills.size() != 1) {
            return -1;
        }
        Object fill = fills.values().iterator().next();
        CompletableFuture<?> result = (CompletableFuture<?>) fill.getClass().getMethod("result").invoke(fill);
        return result.getNumberOfDependents();
    }
}
