package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.body;
import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.store.DiskEntryStore;
import io.githubcache.store.TieredEntryStore;
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

    /**
     * Entries answered from the memory tier count as used on disk: the inactive purge keeps them and the disk's
     * LRU eviction takes cold ones first, so a restart finds the hot ones (the audit's reproductions).
     */
    @Test
    void entriesServedFromMemorySurviveTheDisksInactivePurge() throws Exception {
        try (ProxyHarness proxy = ProxyHarness.start(upstream.url(), "github.cache.dir", cacheDir.toString(),
                "github.cache.inactive", "20s", "github.cache.ttl", "1h")) {
            for (int i = 0; i < 5; i++) {
                assertThat(status(proxy.get("/hot/" + i))).isEqualTo("MISS");
            }
            assertThat(status(proxy.get("/cold"))).isEqualTo("MISS");
            for (int round = 0; round < 10; round++) { // every 10 s for 100 s
                proxy.clock().advance(Duration.ofSeconds(10));
                for (int i = 0; i < 5; i++) {
                    assertThat(status(proxy.get("/hot/" + i))).isEqualTo("HIT");
                }
                disk(proxy).runMaintenance(); // applies the reported uses, then purges what was unused for 20 s
            }
        }

        try (ProxyHarness again = ProxyHarness.start(upstream.url(), "github.cache.dir", cacheDir.toString(),
                "github.cache.inactive", "20s", "github.cache.ttl", "1h")) {
            for (int i = 0; i < 5; i++) {
                assertThat(status(again.get("/hot/" + i))).as("hot %d", i).isEqualTo("HIT");
                assertThat(upstream.count("/hot/" + i)).isEqualTo(1);
            }
            assertThat(status(again.get("/cold"))).isEqualTo("MISS");
            assertThat(upstream.count("/cold")).isEqualTo(2);
        }
    }

    @Test
    void entriesServedFromMemoryOutliveColdOnesUnderTheDiskBound() throws Exception {
        // a budget of 96 KB: about 90 of the stub's answers (each a response and a Vary marker), 450 s of fills
        String[] settings = {"github.cache.dir", cacheDir.toString(), "github.cache.max-disk", "192KB",
                "github.cache.ttl", "1h"};
        try (ProxyHarness proxy = ProxyHarness.start(upstream.url(), settings)) {
            for (int i = 0; i < 10; i++) {
                proxy.get("/hot/" + i);
            }
            for (int cold = 0; cold < 300; cold++) {
                proxy.clock().advance(Duration.ofSeconds(5)); // the disk takes in its budget in minutes, not seconds
                proxy.get("/cold/" + cold);
                if (cold % 30 == 29) {
                    for (int i = 0; i < 10; i++) {
                        assertThat(status(proxy.get("/hot/" + i))).isEqualTo("HIT");
                    }
                }
            }
            assertThat(disk(proxy).evictions()).isPositive();
        }

        try (ProxyHarness again = ProxyHarness.start(upstream.url(), settings)) {
            for (int i = 0; i < 10; i++) {
                assertThat(status(again.get("/hot/" + i))).as("hot %d", i).isEqualTo("HIT");
            }
            assertThat(status(again.get("/cold/0"))).isEqualTo("MISS");
            assertThat(status(again.get("/cold/299"))).isEqualTo("HIT");
        }
    }

    private static DiskEntryStore disk(ProxyHarness proxy) {
        return (DiskEntryStore) ((TieredEntryStore) proxy.app().services().cache().store()).lower();
    }
}
