package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.body;
import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.support.ProxyHarness;
import io.githubcache.support.StubbedProxyTest;
import io.githubcache.support.UpstreamStub;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CacheHitEndToEndTest extends StubbedProxyTest {


    @Test
    void missThenHitWithOneUpstreamCall() throws Exception {
        HttpResponse<byte[]> first = proxy.get("/repos/o/r");
        HttpResponse<byte[]> second = proxy.get("/repos/o/r");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(status(first)).isEqualTo("MISS");
        assertThat(status(second)).isEqualTo("HIT");
        assertThat(body(second)).isEqualTo(body(first));
        assertThat(upstream.count("/repos/o/r")).isEqualTo(1);
    }

    @Test
    void expiredEntryIsRevalidatedWithItsEtag() throws Exception {
        proxy.get("/repos/o/r");
        proxy.clock().advance(Duration.ofSeconds(61));

        HttpResponse<byte[]> again = proxy.get("/repos/o/r");

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(status(again)).isEqualTo("REVALIDATED");
        assertThat(upstream.count("/repos/o/r")).isEqualTo(2);
        assertThat(upstream.last().header("If-None-Match")).isNotNull();
        assertThat(body(again)).contains("\"version\":1");
    }
}
