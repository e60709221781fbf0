package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.body;
import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.githubcache.support.DateHeaders;
import io.githubcache.support.GarbageUpstream;
import io.githubcache.support.ProxyHarness;
import io.githubcache.support.UpstreamStub;
import io.githubcache.support.UpstreamStub.Failure;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RFC 5861 stale-if-error as the proxy implements it: an expired entry is served (STALE) when the upstream
 * fails in any way, but only within {@code stale-if-error} of its expiry, never when that is 0, and never
 * merely because an update is still in flight. Without an entry, upstream errors pass through (5xx) or become
 * GitHub-style 502/504 JSON errors.
 */
class StaleIfErrorEndToEndTest {

    private static final Duration PAST_TTL = Duration.ofSeconds(61);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Shared by the tests that need default settings (with a short upstream timeout for HANG); paths differ per test. */
    private static UpstreamStub upstream;
    private static ProxyHarness proxy;

    @BeforeAll
    static void start() throws Exception {
        upstream = new UpstreamStub();
        proxy = ProxyHarness.start(upstream.url(), "github.cache.upstream-timeout", "1s");
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        upstream.close();
    }

    @AfterEach
    void healUpstream() {
        upstream.openGate();
        upstream.failWith(Failure.NONE);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Failure.class, names = {"STATUS_500", "STATUS_502", "STATUS_503", "STATUS_504", "RESET", "HANG"})
    void expiredEntryIsServedStaleWhenTheUpstreamFails(Failure failure) throws Exception {
        String path = "/repos/stale/" + failure.name().toLowerCase();
        HttpResponse<byte[]> fill = proxy.get(path);
        assertThat(status(fill)).isEqualTo("MISS");
        proxy.clock().advance(PAST_TTL);
        upstream.failWith(failure);

        HttpResponse<byte[]> stale = proxy.get(path);

        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(status(stale)).isEqualTo("STALE");
        assertThat(body(stale)).isEqualTo(body(fill));
        assertThat(stale.headers().firstValue("Cache-Status")).hasValueSatisfying(v -> assertThat(v).contains("detail=stale"));
        assertThat(stale.headers().firstValue("ETag")).isEqualTo(fill.headers().firstValue("ETag"));
        // the stub's RESET closes the pooled connection the fill used without answering: sent once more, on a new one
        assertThat(upstream.count(path)).as("the fill and one failed revalidation (twice when reset)")
                .isEqualTo(failure == Failure.RESET ? 3 : 2);
    }

    /** A 304 to a request sent without validators is no answer (before: passed on as 304 MISS). */
    @Test
    void aNotModifiedToARequestWithoutValidatorsIsNoAnswer() throws Exception {
        UpstreamStub.Canned notModified = new UpstreamStub.Canned(304, java.util.List.of(), new byte[0]);
        String cold = "/repos/stale/unasked-304";
        upstream.canned(cold, notModified);

        HttpResponse<byte[]> r = proxy.get(cold, "If-None-Match", "\"client-etag\"");

        // the client's validator is not sent on a fill: the proxy asked for the whole answer
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(upstream.count(cold)).isEqualTo(1);

        // never cached, so the client's own validator goes upstream, and the 304 answers it
        upstream.canned("/rate_limit", notModified);
        HttpResponse<byte[]> asked = proxy.get("/rate_limit", "If-None-Match", "\"client-etag\"");
        assertThat(asked.statusCode()).isEqualTo(304);
        assertThat(upstream.last().header("If-None-Match")).isEqualTo("\"client-etag\"");
    }

    /** A body that says gzip and is not: the expired entry is served, nothing is stored (before: 502 HIT). */
    @Test
    void aBodyThatSaysGzipAndIsNotIsNoAnswer() throws Exception {
        UpstreamStub.Canned corrupt = UpstreamStub.Canned.json(200, "{\"not\":\"gzip\"}",
                "Content-Encoding", "gzip", "ETag", "\"corrupt\"", "Cache-Control", "private, max-age=60");
        String path = "/repos/stale/corrupt-gzip";
        HttpResponse<byte[]> fill = proxy.get(path);
        assertThat(status(fill)).isEqualTo("MISS");
        proxy.clock().advance(PAST_TTL);
        upstream.canned(path, corrupt);
        long before = upstream.count(path);

        HttpResponse<byte[]> plain = proxy.get(path);
        HttpResponse<byte[]> gzip = proxy.get(path, "Accept-Encoding", "gzip");

        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(status(plain)).isEqualTo("STALE");
        assertThat(body(plain)).isEqualTo(body(fill));
        assertThat(gzip.statusCode()).isEqualTo(200);
        assertThat(status(gzip)).isEqualTo("STALE");
        assertThat(io.githubcache.cache.ContentCoding.gunzip(gzip.body())).isEqualTo(fill.body());
        assertThat(upstream.count(path) - before).as("each asked again: nothing was stored").isEqualTo(2);

        String cold = "/repos/stale/corrupt-gzip-cold";
        upstream.canned(cold, corrupt);
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> r = proxy.get(cold);
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(status(r)).isEqualTo("MISS");
        }
        assertThat(upstream.count(cold)).isEqualTo(2);

        // what is not stored goes on as it came: a write's answer, whose write has happened upstream
        HttpResponse<byte[]> write = proxy.send("POST", cold, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "Accept-Encoding", "gzip");
        assertThat(write.statusCode()).isEqualTo(200);
        assertThat(body(write)).isEqualTo("{\"not\":\"gzip\"}");
    }

    @Test
    void expiredEntryIsServedStaleWhenTheUpstreamIsDown() throws Exception {
        UpstreamStub own = new UpstreamStub();
        try (ProxyHarness p = ProxyHarness.start(own.url())) {
            HttpResponse<byte[]> fill = p.get("/repos/down/r");
            assertThat(status(fill)).isEqualTo("MISS");
            own.close();
            p.clock().advance(PAST_TTL);

            HttpResponse<byte[]> stale = p.get("/repos/down/r");

            assertThat(stale.statusCode()).isEqualTo(200);
            assertThat(status(stale)).isEqualTo("STALE");
            assertThat(body(stale)).isEqualTo(body(fill));
            assertThat(own.count("/repos/down/r")).isEqualTo(1);

            // same proxy, no entry: the refused connection becomes a GitHub-style 502
            HttpResponse<byte[]> none = p.get("/repos/down/never-cached");
            assertThat(none.statusCode()).isEqualTo(502);
            assertGithubStyleError(none);
        } finally {
            own.close();
        }
    }


    @Test
    void expiredEntryIsServedStaleWhenTheUpstreamAnswersGarbage() throws Exception {
        try (GarbageUpstream garbage = new GarbageUpstream();
                ProxyHarness p = ProxyHarness.start(garbage.url(), "github.cache.upstream-timeout", "10s")) {
            garbage.valid("{\"from\":\"valid upstream\"}");
            HttpResponse<byte[]> fill = p.get("/repos/garbage/r");
            assertThat(fill.statusCode()).isEqualTo(200);
            assertThat(status(fill)).isEqualTo("MISS");
            assertThat(body(fill)).isEqualTo("{\"from\":\"valid upstream\"}");
            garbage.garbage();
            p.clock().advance(PAST_TTL);

            long t0 = System.nanoTime();
            HttpResponse<byte[]> stale = p.get("/repos/garbage/r");
            Duration took = Duration.ofNanos(System.nanoTime() - t0);

            assertThat(stale.statusCode()).as(describe(stale)).isEqualTo(200);
            assertThat(status(stale)).isEqualTo("STALE");
            assertThat(body(stale)).isEqualTo("{\"from\":\"valid upstream\"}");
            assertThat(garbage.requests()).isEqualTo(2);
            assertThat(took).as("an invalid response is a failure at once, not a 10s timeout").isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void withoutEntryAnInvalidUpstreamResponseIs502Json() throws Exception {
        try (GarbageUpstream garbage = new GarbageUpstream();
                ProxyHarness p = ProxyHarness.start(garbage.url(), "github.cache.upstream-timeout", "10s")) {
            garbage.garbage();

            HttpResponse<byte[]> r = p.get("/repos/garbage/never-cached");

            assertThat(r.statusCode()).as(describe(r)).isEqualTo(502);
            assertGithubStyleError(r);
            assertThat(status(r)).isEqualTo("MISS");
            assertThat(garbage.requests()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Failure.class, names = {"STATUS_500", "STATUS_502", "STATUS_503", "STATUS_504"})
    void withoutEntryUpstream5xxPassesThroughAndIsNotStored(Failure failure) throws Exception {
        String path = "/repos/nostale/" + failure.name().toLowerCase();
        int code = Integer.parseInt(failure.name().substring("STATUS_".length()));
        upstream.failWith(failure);

        HttpResponse<byte[]> first = proxy.get(path);
        HttpResponse<byte[]> second = proxy.get(path);

        for (HttpResponse<byte[]> r : java.util.List.of(first, second)) {
            assertThat(r.statusCode()).isEqualTo(code);
            assertThat(status(r)).isEqualTo("MISS");
        }
        // the stub's own error bodies, unchanged
        assertThat(JSON.readTree(first.body()).get("message").asText())
                .isEqualTo(switch (code) {
                    case 500 -> "Server Error";
                    case 502 -> "Bad Gateway";
                    case 503 -> "Unavailable";
                    default -> "Timeout";
                });
        assertThat(body(second)).isEqualTo(body(first));
        assertThat(upstream.count(path)).as("a 5xx is never stored: the second request goes upstream too").isEqualTo(2);
    }

    @Test
    void withoutEntryConnectionRefusedIs502Json() throws Exception {
        try (ProxyHarness p = ProxyHarness.start("http://127.0.0.1:" + ProxyHarness.freePort())) {
            HttpResponse<byte[]> r = p.get("/repos/refused/r");

            assertThat(r.statusCode()).isEqualTo(502);
            assertGithubStyleError(r);
            assertThat(status(r)).isEqualTo("MISS");
        }
    }

    @Test
    void withoutEntryTimeoutIs504Json() throws Exception {
        upstream.failWith(Failure.HANG);

        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = proxy.get("/repos/timeout/r");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(r.statusCode()).isEqualTo(504);
        assertGithubStyleError(r);
        assertThat(status(r)).isEqualTo("MISS");
        assertThat(took).as("upstream-timeout=1s, not the 60s default")
                .isBetween(Duration.ofMillis(900), Duration.ofSeconds(10));
        assertThat(upstream.count("/repos/timeout/r")).isEqualTo(1);
    }

    @Test
    void staleIfErrorBoundsHowOldAStaleEntryMayBe() throws Exception {
        UpstreamStub own = new UpstreamStub();
        try (ProxyHarness p = ProxyHarness.start(own.url(), "github.cache.stale-if-error", "10s")) {
            HttpResponse<byte[]> fill = p.get("/repos/bounded/r");
            own.failWith(Failure.STATUS_500);

            p.clock().advance(Duration.ofSeconds(60 + 9));
            HttpResponse<byte[]> within = p.get("/repos/bounded/r");
            assertThat(within.statusCode()).isEqualTo(200);
            assertThat(status(within)).isEqualTo("STALE");
            assertThat(body(within)).isEqualTo(body(fill));

            p.clock().advance(Duration.ofSeconds(2));
            HttpResponse<byte[]> beyond = p.get("/repos/bounded/r");
            assertThat(beyond.statusCode()).isEqualTo(500);
            assertThat(status(beyond)).isNotEqualTo("STALE");
            assertThat(JSON.readTree(beyond.body()).get("message").asText()).isEqualTo("Server Error");
            assertThat(own.count("/repos/bounded/r")).isEqualTo(3);
        } finally {
            own.close();
        }
    }

    @Test
    void staleIfErrorZeroNeverServesStale() throws Exception {
        UpstreamStub own = new UpstreamStub();
        try (ProxyHarness p = ProxyHarness.start(own.url(), "github.cache.stale-if-error", "0")) {
            p.get("/repos/never-stale/r");
            p.clock().advance(PAST_TTL);

            own.failWith(Failure.STATUS_500);
            HttpResponse<byte[]> error = p.get("/repos/never-stale/r");
            assertThat(error.statusCode()).isEqualTo(500);
            assertThat(status(error)).isNotEqualTo("STALE");
            assertThat(JSON.readTree(error.body()).get("message").asText()).isEqualTo("Server Error");

            own.failWith(Failure.RESET);
            HttpResponse<byte[]> reset = p.get("/repos/never-stale/r");
            assertThat(reset.statusCode()).isEqualTo(502);
            assertThat(status(reset)).isNotEqualTo("STALE");
            assertGithubStyleError(reset);
            assertThat(own.count("/repos/never-stale/r")).as("the reset one sent once more").isEqualTo(4);
        } finally {
            own.close();
        }
    }

    @Test
    void staleIsNotServedWhileAnUpdateIsMerelyInFlight() throws Exception {
        String path = "/repos/inflight/r";
        HttpResponse<byte[]> fill = proxy.get(path);
        proxy.clock().advance(PAST_TTL);
        upstream.closeGate();

        CompletableFuture<HttpResponse<byte[]>> a = sendAsync(path);
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.entered() == 1);
        CompletableFuture<HttpResponse<byte[]>> b = sendAsync(path);

        // B neither gets the stale entry nor goes upstream: it waits for A's update
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2))
                .until(() -> !b.isDone() && !a.isDone() && upstream.entered() == 1);
        upstream.openGate();

        HttpResponse<byte[]> ra = a.get(10, TimeUnit.SECONDS);
        HttpResponse<byte[]> rb = b.get(10, TimeUnit.SECONDS);
        for (HttpResponse<byte[]> r : java.util.List.of(ra, rb)) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(status(r)).isIn("REVALIDATED", "EXPIRED");
            assertThat(body(r)).isEqualTo(body(fill));
        }
        assertThat(status(ra)).isEqualTo("REVALIDATED");
        assertThat(rb.headers().firstValue("Cache-Status")).hasValueSatisfying(v -> assertThat(v).contains("collapsed"));
        assertThat(upstream.count(path)).as("the fill and exactly one revalidation").isEqualTo(2);
    }

    private static CompletableFuture<HttpResponse<byte[]>> sendAsync(String path) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(proxy.url() + path)).timeout(Duration.ofSeconds(30)).build();
        return proxy.client().sendAsync(req, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String describe(HttpResponse<byte[]> r) {
        return r.statusCode() + " " + r.headers().map() + " " + body(r);
    }

    private static void assertGithubStyleError(HttpResponse<byte[]> r) throws Exception {
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.headers().firstValue("X-Github-Cache-Status")).isPresent();
        DateHeaders.assertCurrent(r.headers().firstValue("Date").orElseThrow());
        JsonNode json = JSON.readTree(r.body());
        assertThat(json.get("message")).isNotNull();
        assertThat(json.get("message").asText()).isNotBlank();
        assertThat(json.get("documentation_url")).isNotNull();
        assertThat(json.get("documentation_url").asText()).startsWith("https://");
        assertThat(json.size()).isEqualTo(2);
    }
}
