package io.githubcache.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.support.JarProcess;
import io.githubcache.support.ProxyHarness;
import io.githubcache.support.UpstreamStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4: the packaged jar, killed with SIGKILL, restarted on the same cache directory, serves every entry it
 * had answered: HIT within the TTL, and after the TTL a conditional request (304, REVALIDATED), never an
 * unconditional refetch.
 */
class PersistenceIT {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path cacheDir;

    @Test
    void entriesSurviveKill9AndAreRevalidatedNotRefetched() throws Exception {
        List<String> paths = List.of("/repos/o/a", "/repos/o/b", "/repos/o/c?page=2");
        try (UpstreamStub upstream = new UpstreamStub()) {
            int port = ProxyHarness.freePort();
            var env = JarProcess.env("PORT", Integer.toString(port), "GITHUB_CACHE_UPSTREAM_URL", upstream.url(),
                    "GITHUB_CACHE_DIR", cacheDir.toString(), "GITHUB_CACHE_TTL", "30s");
            try (JarProcess first = JarProcess.start("persist-1", env)) {
                for (String p : paths) {
                    assertThat(status(get(port, p))).isEqualTo("MISS");
                }
                first.kill9();
            }
            long before = upstream.count();

            try (JarProcess second = JarProcess.start("persist-2", env)) {
                for (String p : paths) {
                    HttpResponse<String> r = get(port, p);
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(status(r)).as("after kill -9, within TTL: " + p).isEqualTo("HIT");
                }
                assertThat(upstream.count()).isEqualTo(before);

                // after the TTL: a conditional request, answered 304
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> !"HIT".equals(status(get(port, paths.get(0)))));
                assertThat(upstream.count()).isEqualTo(before + 1);
                UpstreamStub.Received revalidation = upstream.last();
                assertThat(revalidation.header("If-None-Match")).isNotNull();
                assertThat(status(get(port, paths.get(0)))).isEqualTo("HIT");
            }
            // every upstream request after the first three was conditional
            assertThat(upstream.received().subList(3, upstream.received().size()))
                    .allMatch(r -> r.header("If-None-Match") != null);
        }
    }

    private static HttpResponse<String> get(int port, String target) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String status(HttpResponse<?> r) {
        return r.headers().firstValue("X-Github-Cache-Status").orElse(null);
    }
}
