package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.body;
import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.support.ProxyHarness;
import io.githubcache.support.UpstreamStub;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 4: a restarted proxy on the same github.cache.dir answers from disk, without asking upstream. */
class DiskPersistenceEndToEndTest {

    @TempDir
    Path cacheDir;

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
    void aRestartedProxyServesWhatTheFirstOneStored() throws Exception {
        HttpResponse<byte[]> first;
        try (ProxyHarness proxy = ProxyHarness.start(upstream.url(), "github.cache.dir", cacheDir.toString())) {
            first = proxy.get("/repos/o/r", "Authorization", "token ghp_SECRET");
            assertThat(status(first)).isEqualTo("MISS");
        }

        try (ProxyHarness again = ProxyHarness.start(upstream.url(), "github.cache.dir", cacheDir.toString())) {
            HttpResponse<byte[]> second = again.get("/repos/o/r", "Authorization", "token ghp_SECRET");

            assertThat(status(second)).isEqualTo("HIT");
            assertThat(body(second)).isEqualTo(body(first));
            assertThat(upstream.count("/repos/o/r")).isEqualTo(1);
            // another token does not see it
            assertThat(status(again.get("/repos/o/r", "Authorization", "token ghp_OTHER"))).isEqualTo("MISS");
        }
    }

    /** A 304's refresh is held for a later disk write (DiskEntryStore.refresh); a clean stop writes it. */
    @Test
    void aRefreshByA304SurvivesACleanRestart() throws Exception {
        try (ProxyHarness proxy = ProxyHarness.start(upstream.url(), "github.cache.dir", cacheDir.toString())) {
            proxy.get("/repos/o/r");
            proxy.clock().advance(Duration.ofSeconds(61));
            assertThat(status(proxy.get("/repos/o/r"))).isEqualTo("REVALIDATED");
        }
        assertThat(upstream.count("/repos/o/r")).isEqualTo(2);

        try (ProxyHarness again = ProxyHarness.start(upstream.url(), "github.cache.dir", cacheDir.toString())) {
            // within the refreshed lifetime (61 + 60 s), past the first one (60 s)
            again.clock().advance(Duration.ofSeconds(90));

            assertThat(status(again.get("/repos/o/r"))).isEqualTo("HIT");
            assertThat(upstream.count("/repos/o/r")).isEqualTo(2);
        }
    }
}
