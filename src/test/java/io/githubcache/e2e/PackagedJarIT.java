package io.githubcache.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.support.ManagementClient;
import io.githubcache.support.ProxyProcess;
import io.githubcache.support.UpstreamStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar as the container runs it ({@code java -jar}, settings from the environment): the management
 * server, metrics, purge and graceful SIGTERM must survive shading (Camel's service files, Vert.x, Micrometer).
 * Run by failsafe in {@code mvn verify}, after {@code package}.
 */
class PackagedJarIT {

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
    void theJarServesOperationsAndStopsGracefullyOnSigterm() throws Exception {
        Path jar = Path.of(System.getProperty("github-cache.jar", "target/github-cache.jar"));
        assertThat(jar).as("build it first: mvn -B -q package -DskipTests").exists();
        assertThat(Files.size(jar)).isGreaterThan(1_000_000);
        try (ProxyProcess proxy = ProxyProcess.fromJar(jar, upstream.url(),
                Map.of("GITHUB_CACHE_SHUTDOWN_TIMEOUT", "30s"))) {
            proxy.awaitReady(Duration.ofSeconds(120));
            ManagementClient management = new ManagementClient(proxy.managementPort());
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest get = HttpRequest.newBuilder(URI.create(proxy.url() + "/repos/o/r")).build();
            assertThat(client.send(get, HttpResponse.BodyHandlers.ofString()).headers()
                    .firstValue("X-Github-Cache-Status")).hasValue("MISS");
            assertThat(client.send(get, HttpResponse.BodyHandlers.ofString()).headers()
                    .firstValue("X-Github-Cache-Status")).hasValue("HIT");

            assertThat(management.get("/observe/health").body()).contains("\"status\":\"UP\"");
            ManagementClient.Scrape s = management.scrape();
            assertThat(s.value("github_cache_requests_total{cache_status=\"HIT\",status_class=\"2xx\"}")).isEqualTo(1);
            assertThat(s.value("github_cache_requests_total{cache_status=\"MISS\",status_class=\"2xx\"}")).isEqualTo(1);
            assertThat(management.purge("path=/repos/o/r").body()).contains("\"removed\":1");

            GracefulShutdownEndToEndTest.assertSigtermDrainsAndExitsZero(proxy, upstream);
            // GITHUB_CACHE_SHUTDOWN_TIMEOUT became Camel's shutdown timeout
            assertThat(proxy.output()).contains("is shutting down (timeout:30s)");
        }
    }
}
