package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.support.ProxyHarness;
import io.githubcache.support.StubbedProxyTest;
import io.githubcache.support.UpstreamStub;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A client's own conditional request is answered from the entry, without asking the upstream. */
class ClientConditionalsEndToEndTest extends StubbedProxyTest {


    @Test
    void matchingIfNoneMatchGets304FromTheCache() throws Exception {
        String etag = proxy.get("/repos/o/r").headers().firstValue("ETag").orElseThrow();

        HttpResponse<byte[]> conditional = proxy.get("/repos/o/r", "If-None-Match", etag);

        assertThat(conditional.statusCode()).isEqualTo(304);
        assertThat(conditional.body()).isEmpty();
        assertThat(conditional.headers().firstValue("ETag")).contains(etag);
        assertThat(status(conditional)).isEqualTo("HIT");
        assertThat(upstream.count("/repos/o/r")).isEqualTo(1);
    }

    @Test
    void weakIfNoneMatchAlsoMatches() throws Exception {
        String etag = proxy.get("/repos/o/r").headers().firstValue("ETag").orElseThrow();

        HttpResponse<byte[]> conditional = proxy.get("/repos/o/r", "If-None-Match", "W/" + etag);

        assertThat(conditional.statusCode()).isEqualTo(304);
        assertThat(upstream.count("/repos/o/r")).isEqualTo(1);
    }

    @Test
    void nonMatchingIfNoneMatchGetsTheFullCachedResponse() throws Exception {
        HttpResponse<byte[]> first = proxy.get("/repos/o/r");

        HttpResponse<byte[]> conditional = proxy.get("/repos/o/r", "If-None-Match", "\"something-else\"");

        assertThat(conditional.statusCode()).isEqualTo(200);
        assertThat(conditional.body()).isEqualTo(first.body());
        assertThat(upstream.count("/repos/o/r")).isEqualTo(1);
    }

    @Test
    void ifModifiedSinceIsAnsweredFromTheEntry() throws Exception {
        upstream.canned("/repos/o/lm", UpstreamStub.Canned.json(200, "{\"a\":1}",
                "Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"));
        proxy.get("/repos/o/lm");

        HttpResponse<byte[]> later = proxy.get("/repos/o/lm", "If-Modified-Since", "Thu, 22 Oct 2015 07:28:00 GMT");
        HttpResponse<byte[]> earlier = proxy.get("/repos/o/lm", "If-Modified-Since", "Tue, 20 Oct 2015 07:28:00 GMT");

        assertThat(later.statusCode()).isEqualTo(304);
        assertThat(earlier.statusCode()).isEqualTo(200);
        assertThat(upstream.count("/repos/o/lm")).isEqualTo(1);
    }

    @Test
    void clientConditionalOnAMissIsNotForwardedSoTheEntryIsComplete() throws Exception {
        HttpResponse<byte[]> first = proxy.get("/repos/o/r", "If-None-Match", "\"stale-client-etag\"");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(upstream.last().header("If-None-Match")).isNull();
    }
}
