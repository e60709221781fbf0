package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.body;
import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.githubcache.support.ProxyHarness;
import io.githubcache.support.SequencedUpstream;
import io.githubcache.support.UpstreamStub;
import io.githubcache.support.UpstreamStub.Failure;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cache lock (nginx proxy_cache_lock, extended to expired entries): concurrent requests for one key send
 * one upstream request and share its answer; lock-age lets one more request through after a while; a waiter
 * past lock-timeout fetches on its own without storing; a hanging upstream releases all waiters together.
 */
class LockEndToEndTest {

    private static final int CROWD = 20;
    /** Time given to started requests to reach the proxy (and join the lock) before the gate opens. */
    private static final Duration ARRIVAL = Duration.ofMillis(500);

    private static UpstreamStub upstream;
    private static ProxyHarness proxy;

    /** A response and when it arrived (System.nanoTime). */
    record Timed(HttpResponse<byte[]> response, long completedNanos) {
    }

    @BeforeAll
    static void start() throws Exception {
        upstream = new UpstreamStub();
        proxy = ProxyHarness.start(upstream.url());
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

    @Test
    void concurrentMissesSendOneUpstreamRequest() throws Exception {
        String path = "/repos/lock/crowd";
        List<HttpResponse<byte[]>> responses = heldAtTheUpstream(path, CROWD);

        assertThat(upstream.count(path)).isEqualTo(1);
        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        assertThat(responses.stream().map(ProxyHarness::body).distinct()).hasSize(1);
        assertThat(statusCounts(responses)).containsEntry("MISS", 1L).containsEntry("HIT", (long) CROWD - 1).hasSize(2);
        assertThat(responses.stream().filter(LockEndToEndTest::collapsed).count())
                .as("the 19 HITs waited for the one MISS, they did not arrive after it").isEqualTo(CROWD - 1);
        // the test clock stands still: the entry just stored has its whole ttl left, as the next hit says
        assertThat(responses.stream().filter(LockEndToEndTest::collapsed))
                .allSatisfy(r -> assertFreshFromJustStored(r, 60));
        assertThat(proxy.get(path).headers().firstValue("Cache-Status")).hasValue("github-cache; hit; ttl=60");
    }

    @Test
    void waitersForANotFoundAnswerGetTheTtlOfTheStored404() throws Exception {
        String path = "/repos/lock/missing";
        List<HttpResponse<byte[]>> responses = heldAtTheUpstream(path, 5);

        assertThat(upstream.count(path)).isEqualTo(1);
        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(404));
        assertThat(responses.stream().filter(LockEndToEndTest::collapsed).count()).isEqualTo(4);
        assertThat(responses.stream().filter(LockEndToEndTest::collapsed))
                .allSatisfy(r -> assertFreshFromJustStored(r, 30));
    }

    /** A waiter's answer from the entry its leader just stored: age 0, {@code ttlSeconds} of freshness left. */
    private static void assertFreshFromJustStored(HttpResponse<byte[]> r, int ttlSeconds) {
        assertThat(r.headers().firstValue("Cache-Status")).hasValueSatisfying(
                v -> assertThat(v).contains("; ttl=" + ttlSeconds + ";").endsWith("; collapsed"));
        assertThat(r.headers().firstValue("Age")).hasValue("0");
    }

    @ParameterizedTest(name = "resource changed upstream: {0}")
    @ValueSource(booleans = {false, true})
    void concurrentRequestsOnAnExpiredEntrySendOneUpstreamRequest(boolean changed) throws Exception {
        String path = "/repos/lock/expired-" + changed;
        HttpResponse<byte[]> fill = proxy.get(path);
        assertThat(status(fill)).isEqualTo("MISS");
        proxy.clock().advance(Duration.ofSeconds(61));
        if (changed) {
            upstream.change(path);
        }
        List<HttpResponse<byte[]>> responses = heldAtTheUpstream(path, CROWD);

        assertThat(upstream.count(path)).as("the fill and one update").isEqualTo(2);
        assertThat(upstream.last().header("If-None-Match")).isEqualTo(fill.headers().firstValue("ETag").orElseThrow());
        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        assertThat(responses.stream().map(ProxyHarness::body).distinct()).hasSize(1);
        String expected = changed ? "EXPIRED" : "REVALIDATED";
        assertThat(statusCounts(responses)).containsEntry(expected, (long) CROWD).hasSize(1);
        if (changed) {
            assertThat(body(responses.get(0))).contains("\"version\":2").isNotEqualTo(body(fill));
        } else {
            assertThat(body(responses.get(0))).isEqualTo(body(fill));
        }
        assertThat(responses.stream().filter(LockEndToEndTest::collapsed).count()).isEqualTo(CROWD - 1);
        assertThat(responses.stream().filter(LockEndToEndTest::collapsed))
                .allSatisfy(r -> assertFreshFromJustStored(r, 60));
    }

    @Test
    void afterLockAgeOneMoreRequestGoesUpstream() throws Exception {
        try (ProxyHarness p = ProxyHarness.start(upstream.url(), "github.cache.lock-age", "1s")) {
            String path = "/repos/lock/age";
            upstream.closeGate();

            CompletableFuture<HttpResponse<byte[]>> first = sendAsync(p, path);
            awaitEntered(1);
            // within lock-age a second request waits for the first
            CompletableFuture<HttpResponse<byte[]>> waiter = sendAsync(p, path);
            await().during(ARRIVAL).atMost(ARRIVAL.multipliedBy(3))
                    .until(() -> upstream.entered() == 1 && !waiter.isDone());

            p.clock().advance(Duration.ofSeconds(2));
            CompletableFuture<HttpResponse<byte[]>> late = sendAsync(p, path);
            awaitEntered(2);
            upstream.openGate();

            HttpResponse<byte[]> r1 = first.get(10, TimeUnit.SECONDS);
            HttpResponse<byte[]> rw = waiter.get(10, TimeUnit.SECONDS);
            HttpResponse<byte[]> r3 = late.get(10, TimeUnit.SECONDS);
            assertThat(List.of(r1, rw, r3)).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
            assertThat(upstream.count(path)).isEqualTo(2);
            assertThat(collapsed(rw)).isTrue();
            assertThat(body(rw)).isEqualTo(body(r1));
            assertThat(status(r3)).isEqualTo("MISS");
            assertThat(collapsed(r3)).isFalse();
        }
    }

    @Test
    void afterLockTimeoutAWaiterGoesUpstreamItselfAndDoesNotStore() throws Exception {
        try (SequencedUpstream seq = new SequencedUpstream();
                ProxyHarness p = ProxyHarness.start(seq.url(), "github.cache.lock-timeout", "1s")) {
            String path = "/repos/lock/timeout";

            CompletableFuture<HttpResponse<byte[]>> leader = sendAsync(p, path);
            await().atMost(Duration.ofSeconds(10)).until(() -> seq.arrived() == 1);
            long waiterSent = System.nanoTime();
            CompletableFuture<HttpResponse<byte[]>> waiter = sendAsync(p, path);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> seq.arrived() == 2);
            Duration waited = Duration.ofNanos(System.nanoTime() - waiterSent);
            assertThat(waited).as("the waiter gave up after lock-timeout=1s (real time), not before")
                    .isBetween(Duration.ofMillis(900), Duration.ofSeconds(8));

            seq.release(1);
            HttpResponse<byte[]> rl = leader.get(10, TimeUnit.SECONDS);
            assertThat(rl.statusCode()).isEqualTo(200);
            assertThat(body(rl)).isEqualTo("{\"seq\":1}");
            assertThat(status(rl)).isEqualTo("MISS");
            assertThat(rl.headers().firstValue("Cache-Status").orElseThrow()).contains("stored");

            // the waiter's own upstream response completes after the leader's: it must not replace the entry
            seq.release(2);
            HttpResponse<byte[]> rw = waiter.get(10, TimeUnit.SECONDS);
            assertThat(rw.statusCode()).isEqualTo(200);
            assertThat(body(rw)).isEqualTo("{\"seq\":2}");
            assertThat(collapsed(rw)).isFalse();
            assertThat(rw.headers().firstValue("Cache-Status").orElseThrow()).doesNotContain("stored");

            HttpResponse<byte[]> after = p.get(path);
            assertThat(status(after)).isEqualTo("HIT");
            assertThat(body(after)).as("the cache still holds the leader's response").isEqualTo("{\"seq\":1}");
            assertThat(seq.arrived()).isEqualTo(2);
        }
    }

    @Test
    void hangingUpstreamReleasesAllWaitersTogetherWith504() throws Exception {
        // its own stub: the hanging handler stays inside the stub (and counted in entered()) until the stub closes
        try (UpstreamStub hanging = new UpstreamStub();
                ProxyHarness p = ProxyHarness.start(hanging.url(), "github.cache.upstream-timeout", "2s")) {
            String path = "/repos/lock/hang";
            hanging.failWith(Failure.HANG);

            long started = System.nanoTime();
            List<CompletableFuture<Timed>> crowd = crowd(p, path, 10);
            List<Timed> results = new ArrayList<>();
            for (CompletableFuture<Timed> f : crowd) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }

            assertThat(results).allSatisfy(t -> {
                assertThat(t.response().statusCode()).isEqualTo(504);
                assertThat(body(t.response())).contains("\"documentation_url\"");
            });
            long first = results.stream().mapToLong(Timed::completedNanos).min().orElseThrow();
            long last = results.stream().mapToLong(Timed::completedNanos).max().orElseThrow();
            assertThat(Duration.ofNanos(first - started)).as("nobody is answered before the 2s upstream timeout")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
            assertThat(Duration.ofNanos(last - first)).as("waiters are released with the leader, not one timeout later")
                    .isLessThan(Duration.ofSeconds(2));
            assertThat(hanging.count(path)).isEqualTo(1);
        }
    }

    private static void awaitEntered(int n) {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(upstream.entered()).as("requests held at the upstream").isEqualTo(n));
    }

    /** Starts {@code n} threads that send GET {@code path} at the same moment (a latch start barrier). */
    private static List<CompletableFuture<Timed>> crowd(ProxyHarness p, String path, int n) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Timed>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CompletableFuture<Timed> f = new CompletableFuture<>();
            futures.add(f);
            Thread t = new Thread(() -> {
                try {
                    ready.countDown();
                    go.await();
                    HttpResponse<byte[]> r = p.get(path);
                    f.complete(new Timed(r, System.nanoTime()));
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            }, "crowd-" + i);
            t.setDaemon(true);
            t.start();
        }
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        go.countDown();
        return futures;
    }

    /** {@code size} requests for {@code path} at once, while the upstream holds the first: their answers. */
    private static List<HttpResponse<byte[]>> heldAtTheUpstream(String path, int size) throws Exception {
        upstream.closeGate();
        List<CompletableFuture<Timed>> crowd = crowd(proxy, path, size);
        awaitEntered(1);
        await().during(ARRIVAL).atMost(ARRIVAL.multipliedBy(3))
                .untilAsserted(() -> assertThat(upstream.entered()).as("requests held at the upstream").isEqualTo(1));
        upstream.openGate();
        return join(crowd);
    }

    private static List<HttpResponse<byte[]>> join(List<CompletableFuture<Timed>> futures) throws Exception {
        List<HttpResponse<byte[]>> out = new ArrayList<>();
        for (CompletableFuture<Timed> f : futures) {
            out.add(f.get(30, TimeUnit.SECONDS).response());
        }
        return out;
    }

    private static java.util.Map<String, Long> statusCounts(List<HttpResponse<byte[]>> responses) {
        return responses.stream().collect(Collectors.groupingBy(r -> String.valueOf(status(r)), Collectors.counting()));
    }

    private static boolean collapsed(HttpResponse<byte[]> r) {
        return r.headers().firstValue("Cache-Status").orElse("").contains("collapsed");
    }

    private static CompletableFuture<HttpResponse<byte[]>> sendAsync(ProxyHarness p, String path) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(p.url() + path)).timeout(Duration.ofSeconds(30)).build();
        return p.client().sendAsync(req, HttpResponse.BodyHandlers.ofByteArray());
    }
}
