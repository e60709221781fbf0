package io.githubcache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GithubCacheMainTest {

    private static final long MB = 1024 * 1024;

    @Test
    void vertxUsesTheJvmResolverUnlessTheOperatorSaidOtherwise() {
        String before = System.getProperty(GithubCacheMain.VERTX_DNS_RESOLVER_OFF);
        try {
            System.clearProperty(GithubCacheMain.VERTX_DNS_RESOLVER_OFF);
            new GithubCacheMain(java.util.Map.of(), java.time.Clock.systemUTC());
            assertThat(System.getProperty(GithubCacheMain.VERTX_DNS_RESOLVER_OFF)).isEqualTo("true");

            System.setProperty(GithubCacheMain.VERTX_DNS_RESOLVER_OFF, "false");
            new GithubCacheMain(java.util.Map.of(), java.time.Clock.systemUTC());
            assertThat(System.getProperty(GithubCacheMain.VERTX_DNS_RESOLVER_OFF)).isEqualTo("false");
        } finally {
            if (before == null) {
                System.clearProperty(GithubCacheMain.VERTX_DNS_RESOLVER_OFF);
            } else {
                System.setProperty(GithubCacheMain.VERTX_DNS_RESOLVER_OFF, before);
            }
        }
    }

    @Test
    void heapOfAtLeastTwiceTheMemoryTierIsFine() {
        assertThat(GithubCacheMain.heapWarning(256 * MB, 768 * MB)).isNull();
        assertThat(GithubCacheMain.heapWarning(256 * MB, 512 * MB)).isNull();
    }

    @Test
    void smallerHeapIsNamedWithTheSettingToChange() {
        assertThat(GithubCacheMain.heapWarning(256 * MB, 300 * MB))
                .contains("github.cache.max-memory", "GITHUB_CACHE_MAX_MEMORY", "-Xmx");
    }
}
