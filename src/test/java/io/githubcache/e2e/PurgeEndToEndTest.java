package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.support.ManagementClient;
import io.githubcache.support.ProxyHarness;
import io.githubcache.support.StubbedProxyTest;
import io.githubcache.support.UpstreamStub;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DELETE /cache on the management port: by exact path, by prefix, or all; never on the proxy port. */
class PurgeEndToEndTest extends StubbedProxyTest {

    private static final String TOKEN = "token ghp_purge";

    private ManagementClient management;

    @BeforeEach
    void connectManagement() {
        management = new ManagementClient(proxy.managementPort());
    }

    @Test
    void purgesOneExactPathWithEveryQueryTokenAndVariant() throws Exception {
        fill("/repos/o/r");
        fill("/repos/o/r?page=2");
        fill("/repos/o/r", "Authorization", TOKEN);
        fill("/repos/o/r/issues");
        fill("/repos/o/other");

        HttpResponse<String> purge = management.purge("path=/repos/o/r");

        assertThat(purge.statusCode()).isEqualTo(200);
        assertThat(purge.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(purge.body()).contains("\"removed\":3").contains("\"scope\":\"path\"");
        assertThat(status(proxy.get("/repos/o/r"))).isEqualTo("MISS");
        assertThat(status(proxy.get("/repos/o/r?page=2"))).isEqualTo("MISS");
        assertThat(status(proxy.get("/repos/o/r", "Authorization", TOKEN))).isEqualTo("MISS");
        assertThat(status(proxy.get("/repos/o/r/issues"))).isEqualTo("HIT");
        assertThat(status(proxy.get("/repos/o/other"))).isEqualTo("HIT");
        assertThat(upstream.count()).isEqualTo(5 + 3);
    }

    @Test
    void purgesEveryTargetUnderAPrefix() throws Exception {
        fill("/repos/o/r");
        fill("/repos/o/r/issues");
        fill("/repos/o/r/pulls?state=open");
        fill("/repos/o/rx");
        fill("/repos/x/y");

        HttpResponse<String> purge = management.purge("prefix=/repos/o/r/");

        assertThat(purge.statusCode()).isEqualTo(200);
        assertThat(purge.body()).contains("\"removed\":2").contains("\"scope\":\"prefix\"");
        assertThat(status(proxy.get("/repos/o/r/issues"))).isEqualTo("MISS");
        assertThat(status(proxy.get("/repos/o/r/pulls?state=open"))).isEqualTo("MISS");
        assertThat(status(proxy.get("/repos/o/r"))).isEqualTo("HIT");
        assertThat(status(proxy.get("/repos/o/rx"))).isEqualTo("HIT");
        assertThat(status(proxy.get("/repos/x/y"))).isEqualTo("HIT");
        assertThat(upstream.count()).isEqualTo(5 + 2);

        // a prefix may reach into the query
        assertThat(management.purge("prefix=/repos/o/r/pulls%3Fstate%3D").body()).contains("\"removed\":1");
        assertThat(status(proxy.get("/repos/o/r/pulls?state=open"))).isEqualTo("MISS");
    }

    @Test
    void purgesAll() throws Exception {
        fill("/repos/o/a");
        fill("/repos/o/b", "Authorization", TOKEN);
        upstream.vary("");
        fill("/repos/o/c");

        HttpResponse<String> purge = management.purge("all=true");

        assertThat(purge.statusCode()).isEqualTo(200);
        assertThat(purge.body()).contains("\"removed\":3").contains("\"scope\":\"all\"");
        assertThat(proxy.app().services().cache().store().entryCount()).isZero();
        assertThat(management.scrape().value("github_cache_entries{tier=\"memory\"}")).isZero();
        assertThat(status(proxy.get("/repos/o/a"))).isEqualTo("MISS");
        assertThat(status(proxy.get("/repos/o/b", "Authorization", TOKEN))).isEqualTo("MISS");
        assertThat(status(proxy.get("/repos/o/c"))).isEqualTo("MISS");
        assertThat(upstream.count()).isEqualTo(3 + 3);
    }

    @Test
    void canBeLimitedToOneUpstream() throws Exception {
        fill("/repos/o/r");

        assertThat(management.purge("all=true&upstream=https://api.example.com").body()).contains("\"removed\":0");
        assertThat(status(proxy.get("/repos/o/r"))).isEqualTo("HIT");
        // scheme and host are case-insensitive (RFC 3986)
        assertThat(management.purge("path=/repos/o/r&upstream=" + upstream.url().replace("http://", "HTTP://") + "/")
                .body()).contains("\"removed\":1");
        assertThat(status(proxy.get("/repos/o/r"))).isEqualTo("MISS");
    }

    @Test
    void refusesAmbiguousOrMissingSelectors() throws Exception {
        fill("/repos/o/r");

        for (String query : new String[] {"", "all=yes", "path=/repos/o/r&all=true", "path=repos/o/r",
            "path=/repos/o/r?page=2", "prefix=repos", "path=/repos/x&path=/repos/o/r", "prefix=/x&prefix=/repos/",
            "all=true&all=true", "path=/repos/o/r&upstream=a", "path=/repos/o/r&upstream=https://a&upstream=https://b",
            "path=/repos/o/r&bogus=1"}) {
            HttpResponse<String> r = management.purge(query);
            assertThat(r.statusCode()).as(query).isEqualTo(400);
            assertThat(r.body()).as(query).contains("\"message\"");
        }
        assertThat(management.get("/cache").statusCode()).isNotEqualTo(200);
        assertThat(status(proxy.get("/repos/o/r"))).isEqualTo("HIT");
        assertThat(upstream.count()).isEqualTo(1);
    }

    @Test
    void deleteCacheOnTheProxyPortIsProxiedAndNeverPurges() throws Exception {
        fill("/repos/o/r");

        HttpResponse<byte[]> viaProxy = proxy.send("DELETE", "/cache?all=true", null);

        assertThat(viaProxy.statusCode()).isEqualTo(200);
        assertThat(upstream.count("/cache")).isEqualTo(1);
        assertThat(upstream.last().method()).isEqualTo("DELETE");
        assertThat(upstream.last().rawUri()).isEqualTo("/cache?all=true");
        assertThat(status(proxy.get("/repos/o/r"))).isEqualTo("HIT");
        assertThat(upstream.count("/repos/o/r")).isEqualTo(1);
    }

    /** A first request that stores the response (MISS), checked by a second one answered from it (HIT). */
    private void fill(String target, String... headers) throws Exception {
        assertThat(status(proxy.get(target, headers))).as(target).isEqualTo("MISS");
        assertThat(status(proxy.get(target, headers))).as(target).isEqualTo("HIT");
    }
}
