package io.githubcache.route;

import static io.githubcache.support.ProxyHarness.body;
import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.githubcache.store.TieredEntryStore;
import io.githubcache.support.RawHttp;
import io.githubcache.support.StubbedProxyTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fresh hits answered on the event loop, through real sockets: they never become a Camel exchange, they
 * look exactly like the route's hits, and everything the handler must not answer still reaches the route.
 */
class FreshHitHandlerTest extends StubbedProxyTest {

    private final AtomicInteger exchanges = new AtomicInteger();

    @BeforeEach
    void countExchanges() throws Exception {
        CamelContext context = proxy.app().camelMain().getCamelContext();
        EventNotifierSupport counter = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeCreatedEvent) {
                    exchanges.incrementAndGet();
                }
            }
        };
        counter.start();
        context.getManagementStrategy().addEventNotifier(counter);
    }

    @Test
    void freshHitIsAnsweredWithoutAnExchange() throws Exception {
        HttpResponse<byte[]> miss = proxy.get("/repos/o/r");
        int afterMiss = exchanges.get();

        HttpResponse<byte[]> hit = proxy.get("/repos/o/r");

        assertThat(status(miss)).isEqualTo("MISS");
        assertThat(afterMiss).isEqualTo(1);
        assertThat(status(hit)).isEqualTo("HIT");
        assertThat(body(hit)).isEqualTo(body(miss));
        assertThat(exchanges.get()).isEqualTo(afterMiss);
        assertThat(upstream.count("/repos/o/r")).isEqualTo(1);
    }

    @Test
    void hitAfterARevalidationHasTheLinesThe304Brought() throws Exception {
        // a gzip client gets the entry as stored: the event loop sends its lines pre-encoded
        proxy.get("/repos/o/r", "Accept-Encoding", "gzip");
        HttpResponse<byte[]> hit = proxy.get("/repos/o/r", "Accept-Encoding", "gzip");
        assertThat(proxy.app().services().headerBlocks().estimatedBytes()).as("lines encoded").isPositive();
        proxy.clock().advance(Duration.ofMinutes(2));
        HttpResponse<byte[]> revalidated = proxy.get("/repos/o/r", "Accept-Encoding", "gzip");
        int before = exchanges.get();

        HttpResponse<byte[]> hitAfter = proxy.get("/repos/o/r", "Accept-Encoding", "gzip");

        assertThat(status(revalidated)).isEqualTo("REVALIDATED");
        assertThat(status(hitAfter)).isEqualTo("HIT");
        assertThat(exchanges.get()).as("served from the event loop").isEqualTo(before);
        String remaining = hitAfter.headers().firstValue("X-RateLimit-Remaining").orElseThrow();
        assertThat(remaining).isEqualTo(revalidated.headers().firstValue("X-RateLimit-Remaining").orElseThrow())
                .isNotEqualTo(hit.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
        assertThat(hitAfter.headers().allValues("X-RateLimit-Remaining")).hasSize(1);
        assertThat(upstream.count("/repos/o/r")).isEqualTo(2);
    }

    @Test
    void hitFromTheEventLoopHasTheRouteHitsHeaderLines() throws Exception {
        String get = "GET /repos/o/r?page=2 HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nConnection: close\r\n\r\n";
        RawHttp.exchange(proxy.port(), get);
        // only on disk now: the next hit is read from disk by the route, the one after from memory here
        ((TieredEntryStore) proxy.app().services().cache().store()).memory().removeIf(k -> true);
        int before = exchanges.get();

        String routed = RawHttp.exchange(proxy.port(), get);
        int afterRouted = exchanges.get();
        String direct = RawHttp.exchange(proxy.port(), get);

        assertThat(afterRouted).isEqualTo(before + 1);
        assertThat(exchanges.get()).isEqualTo(afterRouted);
        assertThat(routed).contains("X-Github-Cache-Status: HIT");
        assertThat(sortedHeaderLines(direct)).isEqualTo(sortedHeaderLines(routed));
        assertThat(bodyOf(direct)).isEqualTo(bodyOf(routed));
        assertThat(upstream.count()).isEqualTo(1);
    }

    @Test
    void hitsOfAClientWithoutGzipShareOneInflatedCopy() throws Exception {
        HttpResponse<byte[]> miss = proxy.get("/repos/o/r");
        HttpResponse<byte[]> hit = proxy.get("/repos/o/r");
        HttpResponse<byte[]> again = proxy.get("/repos/o/r");

        assertThat(status(hit)).isEqualTo("HIT");
        assertThat(body(hit)).isEqualTo(body(miss)).isEqualTo(body(again)).startsWith("{");
        assertThat(hit.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(again.headers().map()).isEqualTo(hit.headers().map());
        assertThat(proxy.app().services().gunzippedCopies().estimatedBytes()).as("copy kept").isPositive();
        assertThat(proxy.app().services().headerBlocks().estimatedBytes()).as("its lines encoded").isPositive();
    }

    @Test
    void preEncodedLinesAreTheRouteHitsLinesInTheirOrder() throws Exception {
        String get = "GET /repos/o/r?page=2 HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n";
        RawHttp.exchange(proxy.port(), get);
        ((TieredEntryStore) proxy.app().services().cache().store()).memory().removeIf(k -> true);
        int before = exchanges.get();

        String routed = RawHttp.exchange(proxy.port(), get);
        String direct = RawHttp.exchange(proxy.port(), get);
        String again = RawHttp.exchange(proxy.port(), get);

        assertThat(exchanges.get()).as("only the first hit went through the route").isEqualTo(before + 1);
        assertThat(proxy.app().services().headerBlocks().estimatedBytes()).as("lines encoded").isPositive();
        assertThat(headOf(direct)).containsIgnoringCase("content-encoding: gzip").contains("X-Github-Cache-Status: HIT")
                .isEqualTo(headOf(routed)).isEqualTo(headOf(again));
        assertThat(bodyOf(direct)).isEqualTo(bodyOf(routed));
    }

    @Test
    void pipelinedHitWaitsForTheRoutedRequestBeforeIt() throws Exception {
        proxy.get("/repos/o/cached");
        upstream.closeGate();
        String pipelined = "GET /repos/o/slow HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /repos/o/cached HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        String both = sendWhileTheFirstWaitsUpstream(pipelined);

        int miss = both.indexOf("X-Github-Cache-Status: MISS");
        int hit = both.indexOf("X-Github-Cache-Status: HIT");
        assertThat(miss).isNotNegative();
        assertThat(hit).isGreaterThan(miss);
    }

    @Test
    void pipelinedRequestsForTheRouteAreAnsweredInOrder() throws Exception {
        upstream.closeGate();
        String pipelined = "GET /repos/o/first HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /repos/o/second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        String both = sendWhileTheFirstWaitsUpstream(pipelined);

        assertThat(both.indexOf("/repos/o/first")).isNotNegative();
        assertThat(both.indexOf("/repos/o/second")).isGreaterThan(both.indexOf("/repos/o/first"));
        assertThat(upstream.count()).isEqualTo(2);
    }

    @Test
    void headHitHasTheBodyLengthButNoBody() throws Exception {
        proxy.get("/repos/o/r");
        int before = exchanges.get();

        String head = RawHttp.exchange(proxy.port(), "HEAD /repos/o/r HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertThat(exchanges.get()).isEqualTo(before);
        assertThat(head).contains("X-Github-Cache-Status: HIT");
        long length = Long.parseLong(headerValue(head, "content-length"));
        assertThat(length).isEqualTo(proxy.get("/repos/o/r").body().length);
        assertThat(bodyOf(head)).isEmpty();
    }

    @Test
    void keepAliveConnectionServesSeveralHitsAndCloseClosesIt() throws Exception {
        proxy.get("/repos/o/r");
        String two = "GET /repos/o/r HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /repos/o/r HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

        String both = RawHttp.exchange(proxy.port(), two.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 5000);

        assertThat(both.split("X-Github-Cache-Status: HIT", -1)).hasSize(3);
        assertThat(both).containsIgnoringCase("connection: keep-alive").containsIgnoringCase("connection: close");
    }

    @Test
    void http10ClientWithoutKeepAliveGetsTheHitAndAClose() throws Exception {
        proxy.get("/repos/o/r");

        String r = RawHttp.exchange(proxy.port(), "GET /repos/o/r HTTP/1.0\r\n\r\n");

        assertThat(RawHttp.statusOf(r)).isEqualTo(200);
        assertThat(r).contains("X-Github-Cache-Status: HIT");
        assertThat(headerValue(r, "connection")).isEqualToIgnoringCase("close");
    }

    @Test
    void conditionalRequestOnAFreshEntryGets304FromTheEventLoop() throws Exception {
        HttpResponse<byte[]> first = proxy.get("/repos/o/r");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        int before = exchanges.get();

        HttpResponse<byte[]> again = proxy.get("/repos/o/r", "If-None-Match", etag);

        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(status(again)).isEqualTo("HIT");
        assertThat(again.body()).isEmpty();
        assertThat(exchanges.get()).isEqualTo(before);
    }

    @Test
    void whatTheHandlerMustNotAnswerReachesTheRoute() throws Exception {
        proxy.get("/repos/o/r");
        int before = exchanges.get();

        HttpResponse<byte[]> bypass = proxy.get("/repos/o/r", "Pragma", "no-cache");
        proxy.get("/rate_limit");
        proxy.send("POST", "/repos/o/r/issues", "{}".getBytes(), "Content-Type", "application/json");
        proxy.clock().advance(Duration.ofSeconds(61));
        HttpResponse<byte[]> expired = proxy.get("/repos/o/r");

        assertThat(status(bypass)).isEqualTo("BYPASS");
        assertThat(status(expired)).isIn("REVALIDATED", "EXPIRED", "MISS");
        assertThat(exchanges.get()).isEqualTo(before + 4);
    }

    @Test
    void hitsAreCountedAndLoggedLikeTheRouteHits() throws Exception {
        proxy.get("/repos/o/r");
        proxy.get("/repos/o/r");
        proxy.get("/repos/o/r");

        String metrics = new String(java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(proxy.managementUrl() + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body());

        assertThat(metrics).containsPattern("github_cache_requests_total\\{[^}]*cache_status=\"HIT\"[^}]*\\} 2\\.0");
    }

    /**
     * Sends pipelined requests with the upstream's gate closed, opens it once the first one waits there, and
     * returns everything the proxy sent back until it closed the connection.
     */
    private String sendWhileTheFirstWaitsUpstream(String pipelined) throws Exception {
        java.util.concurrent.CompletableFuture<String> answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return RawHttp.exchange(proxy.port(), pipelined.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 10_000);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> upstream.entered() == 1);
        upstream.openGate();
        return answer.get();
    }

    @Test
    void requestsArrivingDuringARevalidationWaitOnTheEventLoopWithoutExchanges() throws Exception {
        proxy.get("/repos/o/r");
        proxy.clock().advance(Duration.ofSeconds(61));
        upstream.closeGate();
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            java.util.concurrent.Future<HttpResponse<byte[]>> leader = clients.submit(() -> proxy.get("/repos/o/r"));
            await().atMost(Duration.ofSeconds(5)).until(() -> upstream.entered() == 1);
            int afterLeader = exchanges.get();
            List<java.util.concurrent.Future<HttpResponse<byte[]>>> waiters = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                waiters.add(clients.submit(() -> proxy.get("/repos/o/r")));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> waitersOnEventLoops() == 5);
            upstream.openGate();

            assertThat(status(leader.get())).isEqualTo("REVALIDATED");
            for (java.util.concurrent.Future<HttpResponse<byte[]>> w : waiters) {
                HttpResponse<byte[]> r = w.get();
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(status(r)).isEqualTo("REVALIDATED");
                assertThat(body(r)).isEqualTo(body(leader.get()));
            }
            assertThat(exchanges.get()).isEqualTo(afterLeader);
            assertThat(upstream.count("/repos/o/r")).isEqualTo(2);
        } finally {
            upstream.openGate();
            clients.shutdownNow();
        }
    }

    @Test
    void aWaiterPastLockTimeoutGoesUpstreamItselfWithoutWaitingAgainInTheRoute() throws Exception {
        try (io.githubcache.support.UpstreamStub up = new io.githubcache.support.UpstreamStub();
                io.githubcache.support.ProxyHarness p = io.githubcache.support.ProxyHarness.start(up.url(),
                        "github.cache.lock-timeout", "3s")) {
            p.get("/repos/o/r");
            p.clock().advance(Duration.ofSeconds(61));
            up.closeGate();
            java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                java.util.concurrent.Future<HttpResponse<byte[]>> leader = clients.submit(() -> p.get("/repos/o/r"));
                await().atMost(Duration.ofSeconds(5)).until(() -> up.entered() == 1);
                java.util.concurrent.Future<HttpResponse<byte[]>> waiter = clients.submit(() -> p.get("/repos/o/r"));
                await().atMost(Duration.ofSeconds(5)).until(() -> FreshHitHandler.waitingNow() == 1);

                // lock-timeout (3 s) later it asks the upstream itself; waiting a second lock-timeout in the
                // route would take 6 s
                await().atMost(Duration.ofSeconds(5)).until(() -> up.entered() == 2);
                up.openGate();

                assertThat(leader.get().statusCode()).isEqualTo(200);
                assertThat(waiter.get().statusCode()).isEqualTo(200);
                assertThat(up.count("/repos/o/r")).isEqualTo(3);
            } finally {
                up.openGate();
                clients.shutdownNow();
            }
        }
    }

    /** Requests of this proxy that are waiting on an event loop for another request's revalidation. */
    private long waitersOnEventLoops() {
        return proxy.app().services().coalescer().inFlight() == 1
                ? FreshHitHandler.waitingNow() : -1;
    }

    private static List<String> sortedHeaderLines(String response) {
        String head = response.substring(0, response.indexOf("\r\n\r\n"));
        String[] lines = head.split("\r\n");
        return Arrays.stream(lines).map(l -> l.toLowerCase(java.util.Locale.ROOT)).sorted().toList();
    }

    private static String headOf(String response) {
        return response.substring(0, response.indexOf("\r\n\r\n"));
    }

    private static String bodyOf(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    private static String headerValue(String response, String lowerName) {
        for (String line : response.substring(0, response.indexOf("\r\n\r\n")).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(lowerName)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
