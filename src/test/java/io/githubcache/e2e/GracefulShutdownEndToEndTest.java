package io.githubcache.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.githubcache.support.ManagementClient;
import io.githubcache.support.ProxyHarness;
import io.githubcache.support.ProxyProcess;
import io.githubcache.support.UpstreamStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.spi.ShutdownStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SIGTERM: stop accepting, finish in-flight requests within github.cache.shutdown-timeout, close the store, exit 0. */
class GracefulShutdownEndToEndTest {

    private UpstreamStub upstream;

    @BeforeEach
    void start() throws Exception {
        upstream = new UpstreamStub();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void sigtermLetsTheInFlightRequestFinishThenExitsZero() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.fromClasspath(upstream.url(), Map.of())) {
            proxy.awaitReady(Duration.ofSeconds(120));
            assertSigtermDrainsAndExitsZero(proxy, upstream);
        }
    }

    /** Shared with the packaged-jar test: the same scenario against {@code java -jar}. */
    public static void assertSigtermDrainsAndExitsZero(ProxyProcess proxy, UpstreamStub upstream) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ManagementClient management = new ManagementClient(proxy.managementPort());
        upstream.closeGate();
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                HttpRequest.newBuilder(URI.create(proxy.url() + "/repos/o/slow")).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(30)).until(() -> upstream.entered() == 1);

        proxy.terminate();

        try {
            // draining: not ready any more, and new requests are turned away
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> management.healthStatus("/observe/health/ready").equals(Optional.of(503)));
            HttpResponse<String> late = client.send(
                    HttpRequest.newBuilder(URI.create(proxy.url() + "/repos/o/late")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(late.statusCode()).isEqualTo(503);
            // the proxy's own answer, as every error it makes: JSON, cache status, and when to come back
            assertThat(late.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("application/json"));
            assertThat(late.headers().firstValue("X-Github-Cache-Status")).isPresent();
            assertThat(late.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(late.body()).contains("shutting down");
            // counted as every answer of the proxy, under the cache status it carries
            assertThat(management.scrape().value(
                    "github_cache_requests_total{cache_status=\"BYPASS\",status_class=\"5xx\"}")).isEqualTo(1);
            assertThat(proxy.process().isAlive()).isTrue();
        } finally {
            upstream.openGate();
        }

        HttpResponse<String> answered = inFlight.get(30, TimeUnit.SECONDS);
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(answered.body()).contains("\"path\":\"/repos/o/slow\"");
        assertThat(proxy.awaitExit(Duration.ofSeconds(60))).as(proxy.output()).isZero();
        assertThat(upstream.count("/repos/o/late")).isZero();
        assertThat(proxy.output()).contains("SIGTERM received").contains("Cache store closed")
                // the drained request's access log line is written before the JVM exits
                .contains("\"request\":\"GET /repos/o/slow HTTP/1.1\"");
    }

    @Test
    void shutdownTimeoutSettingIsCamelsShutdownTimeout() throws Exception {
        try (ProxyHarness proxy = ProxyHarness.start(upstream.url(), "github.cache.shutdown-timeout", "1500ms")) {
            ShutdownStrategy strategy = proxy.app().camelMain().getCamelContext().getShutdownStrategy();
            assertThat(strategy.getTimeUnit().toMillis(strategy.getTimeout())).isEqualTo(1500);
        }
    }

    @Test
    void aRequestStillRunningAtTheShutdownTimeoutIsCutOff() throws Exception {
        ProxyHarness proxy = ProxyHarness.start(upstream.url(), "github.cache.shutdown-timeout", "1s");
        upstream.closeGate();
        CompletableFuture<HttpResponse<byte[]>> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return proxy.get("/repos/o/stuck");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.entered() == 1);
        long started = System.nanoTime();
        proxy.close();
        // the upstream never answers (gate closed, 60s upstream timeout): only the 1s shutdown timeout ends it
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        assertThatThrownBy(() -> inFlight.get(30, TimeUnit.SECONDS)).hasRootCauseInstanceOf(java.io.IOException.class);
        upstream.openGate();
    }

    @Test
    void anInvalidShutdownTimeoutStopsStartupNamingTheSetting() {
        assertThatThrownBy(() -> ProxyHarness.start(upstream.url(), "github.cache.shutdown-timeout", "soon"))
                .satisfies(e -> assertThat(messages(e)).contains("github.cache.shutdown-timeout")
                        .contains("GITHUB_CACHE_SHUTDOWN_TIMEOUT").contains("soon"));
    }

    @Test
    void theManagementPortMustDifferFromTheProxyPort() throws Exception {
        int port = ProxyHarness.freePort();
        assertThatThrownBy(() -> ProxyHarness.start(upstream.url(), "github.cache.port", Integer.toString(port),
                "camel.management.port", Integer.toString(port)))
                .satisfies(e -> assertThat(messages(e)).contains("camel.management.port")
                        .contains("must differ from github.cache.port"));
    }

    @Test
    void aBusyManagementPortStopsStartupNamingTheSetting() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            String port = Integer.toString(taken.getLocalPort());
            assertThatThrownBy(() -> ProxyHarness.start(upstream.url(), "camel.management.port", port))
                    .satisfies(e -> assertThat(messages(e)).contains("camel.management.port")
                            .contains("CAMEL_MANAGEMENT_PORT").contains("already in use"));
        }
    }

    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            sb.append(t.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
