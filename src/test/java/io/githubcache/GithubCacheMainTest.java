package io.githubcache;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.githubcache.support.CapturedLog;
import io.githubcache.support.ProxyHarness;
import io.githubcache.support.UpstreamStub;
import java.util.List;
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

    @Test
    void camelsStartupSummaryMasksTheRedisPasswordAndUrl() throws Exception {
        CapturedLog log = CapturedLog.of(org.slf4j.Logger.ROOT_LOGGER_NAME);
        try (log; UpstreamStub upstream = new UpstreamStub();
                ProxyHarness proxy = ProxyHarness.start(upstream.url(), "github.cache.redis-password", "AUDITPW77",
                        "github.cache.redis-url", "redis://user:URLPW88@127.0.0.1:1/0")) {
            assertThat(proxy.port()).isPositive();
        }
        List<String> lines = log.events().stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anyMatch(l -> l.contains("github.cache.redis-password")); // the summary lists it
        assertThat(lines).anyMatch(l -> l.contains("github.cache.upstream-url")); // and the rest as before
        assertThat(lines).noneMatch(l -> l.contains("AUDITPW77") || l.contains("URLPW88"));
    }
}
