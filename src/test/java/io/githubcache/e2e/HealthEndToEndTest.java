package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.githubcache.GithubCacheMain;
import io.githubcache.support.ManagementClient;
import io.githubcache.support.MutableClock;
import io.githubcache.support.ProxyHarness;
import io.githubcache.support.UpstreamStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.support.service.ServiceSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /observe/health (and /live, /ready) on the management port: up only while routes run and the store is open. */
class HealthEndToEndTest {

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
    void upWhileRunning() throws Exception {
        try (ProxyHarness proxy = ProxyHarness.start(upstream.url())) {
            ManagementClient m = new ManagementClient(proxy.managementPort());
            for (String path : new String[] {"/observe/health", "/observe/health/live", "/observe/health/ready"}) {
                HttpResponse<String> r = m.get(path);
                assertThat(r.statusCode()).as(path).isEqualTo(200);
                assertThat(r.body()).as(path).contains("\"status\":\"UP\"");
            }
            // the proxy port does not serve management paths: they are proxied like any other path
            HttpResponse<byte[]> viaProxy = proxy.get("/observe/health");
            assertThat(status(viaProxy)).isEqualTo("MISS");
            assertThat(upstream.count("/observe/health")).isEqualTo(1);
        }
    }

    @Test
    void downUntilTheRoutesHaveStarted() throws Exception {
        int port = ProxyHarness.freePort();
        int managementPort = ProxyHarness.freePort();
        GithubCacheMain app = new GithubCacheMain(Map.of(
                "github.cache.port", Integer.toString(port),
                "github.cache.upstream-url", upstream.url(),
                "camel.management.port", Integer.toString(managementPort)), new MutableClock());
        CountDownLatch inStartup = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // a service that holds Camel's startup after the management server is up and before the routes start
        app.camelMain().addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport main) {
                try {
                    main.getCamelContext().addService(new ServiceSupport() {
                        @Override
                        protected void doStart() throws Exception {
                            inStartup.countDown();
                            release.await(60, TimeUnit.SECONDS);
                        }
                    }, true, false);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        CompletableFuture<Void> starting = CompletableFuture.runAsync(() -> {
            try {
                app.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            assertThat(inStartup.await(60, TimeUnit.SECONDS)).isTrue();
            ManagementClient m = new ManagementClient(managementPort);

            HttpResponse<String> health = m.get("/observe/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"status\":\"DOWN\"");
            assertThat(m.get("/observe/health/ready").statusCode()).isEqualTo(503);
            assertThat(starting).isNotDone();

            release.countDown();
            starting.get(60, TimeUnit.SECONDS);
            assertThat(m.get("/observe/health").statusCode()).isEqualTo(200);
            assertThat(m.get("/observe/health/ready").statusCode()).isEqualTo(200);
        } finally {
            release.countDown();
            starting.get(60, TimeUnit.SECONDS);
            app.stop();
        }
    }

    @Test
    void downOnceTheStoreIsClosed() throws Exception {
        try (ProxyHarness proxy = ProxyHarness.start(upstream.url())) {
            ManagementClient m = new ManagementClient(proxy.managementPort());
            assertThat(m.get("/observe/health").statusCode()).isEqualTo(200);

            proxy.app().services().cache().store().close();

            HttpResponse<String> health = m.get("/observe/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("github-cache-store").contains("memory");
            assertThat(m.get("/observe/health/live").statusCode()).isEqualTo(503);
            assertThat(m.get("/observe/health/ready").statusCode()).isEqualTo(503);
        }
    }

    /** A failed disk tier: not ready, but alive, and still serving from memory and the upstream. */
    @Test
    void aliveButNotReadyWhenOnlyTheDiskTierHasFailed() throws Exception {
        try (ProxyHarness proxy = ProxyHarness.start(upstream.url())) {
            ManagementClient m = new ManagementClient(proxy.managementPort());
            ((io.githubcache.store.TieredEntryStore) proxy.app().services().cache().store()).lower().close();

            HttpResponse<String> health = m.get("/observe/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("github-cache-store").contains("disk");
            assertThat(m.get("/observe/health/ready").statusCode()).isEqualTo(503);
            assertThat(m.get("/observe/health/live").statusCode()).isEqualTo(200);
            assertThat(proxy.get("/repos/o/after-disk-failure").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void notReadyWhileDrainingInFlightRequestsOnStop() throws Exception {
        ProxyHarness proxy = ProxyHarness.start(upstream.url());
        ManagementClient m = new ManagementClient(proxy.managementPort());
        upstream.closeGate();
        CompletableFuture<HttpResponse<byte[]>> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return proxy.get("/repos/o/slow");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.entered() == 1);
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
            try {
                proxy.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> m.healthStatus("/observe/health/ready").equals(Optional.of(503)));
            // new requests are turned away while the in-flight one drains
            HttpResponse<byte[]> late = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(proxy.url() + "/repos/o/late")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(late.statusCode()).isEqualTo(503);
            assertThat(stopping).isNotDone();
        } finally {
            upstream.openGate();
        }
        assertThat(inFlight.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        stopping.get(30, TimeUnit.SECONDS);
        assertThat(upstream.count("/repos/o/late")).isZero();
    }
}
