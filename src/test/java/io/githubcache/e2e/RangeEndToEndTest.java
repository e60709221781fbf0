package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.body;
import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.githubcache.support.ProxyHarness;
import io.githubcache.support.ScriptedUpstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Range} and cache fills: a fill asks for the complete resource whoever triggered it, so a client's range
 * never decides what is stored or what requests waiting for the fill get. Before: the range went upstream, and
 * a plain GET that waited for a ranged one got its 206 with 10 bytes.
 */
class RangeEndToEndTest {

    private static final String BODY = "{\"id\":1,\"name\":\"a resource longer than ten bytes\"}";
    /** Time given to a started request to reach the proxy (and join the fill) while the upstream holds the fill. */
    private static final Duration ARRIVAL = Duration.ofMillis(500);

    private ScriptedUpstream upstream;
    private ProxyHarness proxy;
    /** While set, the upstream holds every request until it is counted down. */
    private volatile CountDownLatch hold;
    /** Whether the upstream answers 206 even to a request without {@code Range} (a broken upstream). */
    private volatile boolean alwaysPartial;

    @BeforeEach
    void start() throws Exception {
        upstream = new ScriptedUpstream(this::answer);
        proxy = ProxyHarness.start(upstream.url());
    }

    @AfterEach
    void stop() throws Exception {
        CountDownLatch h = hold;
        if (h != null) {
            h.countDown();
        }
        proxy.close();
        upstream.close();
    }

    /** As a server that honours {@code Range: bytes=0-9}: 206 with the first ten bytes; otherwise the whole 200. */
    private String answer(String head) {
        CountDownLatch h = hold;
        if (h != null) {
            try {
                h.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String common = "Content-Type: application/json; charset=utf-8\r\nETag: \"e1\"\r\n";
        if (ScriptedUpstream.header(head, "Range") != null || alwaysPartial) {
            return "HTTP/1.1 206 Partial Content\r\n" + common + "Content-Range: bytes 0-9/" + BODY.length()
                    + "\r\nContent-Length: 10\r\n\r\n" + BODY.substring(0, 10);
        }
        return "HTTP/1.1 200 OK\r\n" + common + "Content-Length: " + BODY.length() + "\r\n\r\n" + BODY;
    }

    @Test
    void aRangedMissFetchesTheWholeResourceForItselfAndItsWaiter() throws Exception {
        String path = "/repos/range/miss";
        hold = new CountDownLatch(1);

        CompletableFuture<HttpResponse<byte[]>> ranged = proxy.getAsync(path, "Range", "bytes=0-9");
        awaitUpstreamRequests(1);
        CompletableFuture<HttpResponse<byte[]>> plain = proxy.getAsync(path);
        assertWaitsForTheFill(plain);
        hold.countDown();

        HttpResponse<byte[]> a = ranged.get(10, TimeUnit.SECONDS);
        HttpResponse<byte[]> b = plain.get(10, TimeUnit.SECONDS);
        assertWhole(a, "MISS");
        assertWhole(b, "HIT");
        assertThat(b.headers().firstValue("Cache-Status").orElseThrow()).contains("collapsed");
        assertThat(upstream.requestHeads()).hasSize(1);
        assertThat(ScriptedUpstream.header(upstream.requestHeads().get(0), "Range")).isNull();

        assertWhole(proxy.get(path, "Range", "bytes=0-9"), "HIT");
        assertThat(upstream.requestHeads()).hasSize(1);
    }

    @Test
    void aRangedRevalidationFetchesTheWholeResourceForItselfAndItsWaiter() throws Exception {
        String path = "/repos/range/expired";
        assertWhole(proxy.get(path), "MISS");
        proxy.clock().advance(Duration.ofSeconds(61));
        hold = new CountDownLatch(1);

        CompletableFuture<HttpResponse<byte[]>> ranged =
                proxy.getAsync(path, "Range", "bytes=0-9", "If-Range", "\"e1\"");
        awaitUpstreamRequests(2);
        CompletableFuture<HttpResponse<byte[]>> plain = proxy.getAsync(path);
        assertWaitsForTheFill(plain);
        hold.countDown();

        assertWhole(ranged.get(10, TimeUnit.SECONDS), "EXPIRED");
        assertWhole(plain.get(10, TimeUnit.SECONDS), "EXPIRED");
        assertThat(upstream.requestHeads()).hasSize(2);
        String revalidation = upstream.requestHeads().get(1);
        assertThat(ScriptedUpstream.header(revalidation, "Range")).isNull();
        assertThat(ScriptedUpstream.header(revalidation, "If-Range")).isNull();
        assertThat(ScriptedUpstream.header(revalidation, "If-None-Match")).isEqualTo("\"e1\"");
    }

    @Test
    void aPartialAnswerToAFillIsNeitherStoredNorHandedToAWaiter() throws Exception {
        String path = "/repos/range/broken";
        alwaysPartial = true;
        hold = new CountDownLatch(1);

        CompletableFuture<HttpResponse<byte[]>> first = proxy.getAsync(path);
        awaitUpstreamRequests(1);
        CompletableFuture<HttpResponse<byte[]>> waiter = proxy.getAsync(path);
        assertWaitsForTheFill(waiter);
        hold.countDown();

        for (HttpResponse<byte[]> r : List.of(first.get(10, TimeUnit.SECONDS), waiter.get(10, TimeUnit.SECONDS))) {
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(body(r)).contains("\"documentation_url\"");
            assertThat(r.headers().firstValue("Content-Range")).isEmpty();
        }
        assertThat(upstream.requestHeads()).hasSize(1);
        alwaysPartial = false;
        hold = null;
        assertWhole(proxy.get(path), "MISS");
        assertThat(upstream.requestHeads()).as("nothing was stored").hasSize(2);
    }

    @Test
    void aPartialAnswerToARevalidationServesTheExpiredEntry() throws Exception {
        String path = "/repos/range/broken-expired";
        assertWhole(proxy.get(path), "MISS");
        proxy.clock().advance(Duration.ofSeconds(61));
        alwaysPartial = true;

        assertWhole(proxy.get(path), "STALE");
        assertThat(upstream.requestHeads()).hasSize(2);
    }

    @Test
    void aPragmaBypassStoresItsAnswerSoItAsksForTheWholeResourceToo() throws Exception {
        String path = "/repos/range/pragma";

        assertWhole(proxy.get(path, "Pragma", "no-cache", "Range", "bytes=0-9"), "BYPASS");
        assertWhole(proxy.get(path), "HIT");
        assertThat(upstream.requestHeads()).hasSize(1);
        assertThat(ScriptedUpstream.header(upstream.requestHeads().get(0), "Range")).isNull();
    }

    @Test
    void aRequestTheCachePassesKeepsItsRangeAndGetsThePartialAnswerAlone() throws Exception {
        HttpResponse<byte[]> r = proxy.get("/rate_limit", "Range", "bytes=0-9");

        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(body(r)).isEqualTo(BODY.substring(0, 10));
        assertThat(status(r)).isEqualTo("BYPASS");
        assertThat(ScriptedUpstream.header(upstream.requestHeads().get(0), "Range")).isEqualTo("bytes=0-9");
        assertThat(upstream.requestHeads()).hasSize(1);
    }

    private static void assertWhole(HttpResponse<byte[]> r, String cacheStatus) {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(body(r)).isEqualTo(BODY);
        assertThat(r.headers().firstValue("Content-Range")).isEmpty();
        assertThat(status(r)).isEqualTo(cacheStatus);
    }

    private void awaitUpstreamRequests(int n) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(upstream.requestHeads()).hasSize(n));
    }

    /** The request stays unanswered and sends nothing upstream while the fill in flight is held. */
    private void assertWaitsForTheFill(CompletableFuture<HttpResponse<byte[]>> waiter) {
        int before = upstream.requestHeads().size();
        await().during(ARRIVAL).atMost(ARRIVAL.multipliedBy(3))
                .until(() -> upstream.requestHeads().size() == before && !waiter.isDone());
    }
}
