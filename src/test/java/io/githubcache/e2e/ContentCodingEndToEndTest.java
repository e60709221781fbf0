package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.body;
import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.githubcache.support.ProxyHarness;
import io.githubcache.support.StubbedProxyTest;
import io.githubcache.support.UpstreamStub.Canned;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A body in a content coding the client did not accept never reaches it. Fills ask for gzip, which the proxy
 * decodes for clients without it; before, an upstream answering {@code br} anyway was passed on to every client
 * as {@code 200 MISS} with {@code Content-Encoding: br}.
 */
class ContentCodingEndToEndTest extends StubbedProxyTest {

    /** Not real brotli: the proxy must not need to read it to refuse it. */
    private static Canned brotli(String path) {
        return new Canned(200, List.of(new String[] {"Content-Type", "application/json; charset=utf-8"},
                new String[] {"Content-Encoding", "br"}, new String[] {"ETag", "\"br\""}),
                ("br-bytes of " + path).getBytes(StandardCharsets.ISO_8859_1));
    }

    /** "none": no Accept-Encoding line. */
    @ParameterizedTest(name = "Accept-Encoding: {0}")
    @ValueSource(strings = {"identity", "gzip", "none", "gzip, deflate"})
    void aFillAnsweredInACodingItDidNotAskForIs502AndNotStored(String acceptEncoding) throws Exception {
        String path = "/repos/coding/miss";
        upstream.canned(path, brotli(path));
        String[] headers = acceptEncoding.equals("none") ? new String[0]
                : new String[] {"Accept-Encoding", acceptEncoding};

        HttpResponse<byte[]> r = proxy.get(path, headers);

        assertBadGateway(r, "MISS");
        assertBadGateway(proxy.get(path, headers), "MISS");
        assertThat(upstream.count(path)).as("nothing was stored").isEqualTo(2);
        assertThat(upstream.last().header("Accept-Encoding")).isEqualTo("gzip");
    }

    @Test
    void aRevalidationAnsweredInACodingItDidNotAskForServesTheExpiredEntry() throws Exception {
        String path = "/repos/coding/expired";
        HttpResponse<byte[]> fill = proxy.get(path);
        assertThat(status(fill)).isEqualTo("MISS");
        proxy.clock().advance(Duration.ofSeconds(61));
        upstream.canned(path, brotli(path));

        HttpResponse<byte[]> r = proxy.get(path, "Accept-Encoding", "identity");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(status(r)).isEqualTo("STALE");
        assertThat(body(r)).isEqualTo(body(fill));
        assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(upstream.count(path)).isEqualTo(2);
    }

    @ParameterizedTest(name = "waiter's Accept-Encoding: {0}")
    @ValueSource(strings = {"identity", "br"})
    void requestsWaitingForSuchAFillGetNoBodyTheyDidNotAccept(String waiterAccepts) throws Exception {
        String path = "/repos/coding/waiters";
        upstream.canned(path, brotli(path));
        upstream.closeGate();

        CompletableFuture<HttpResponse<byte[]>> leader = proxy.getAsync(path, "Accept-Encoding", "gzip");
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.entered() == 1);
        CompletableFuture<HttpResponse<byte[]>> waiter = proxy.getAsync(path, "Accept-Encoding", waiterAccepts);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> upstream.count(path) == 1 && !waiter.isDone());
        upstream.openGate();

        assertBadGateway(leader.get(10, TimeUnit.SECONDS), "MISS");
        HttpResponse<byte[]> w = waiter.get(10, TimeUnit.SECONDS);
        assertBadGateway(w, "MISS");
        assertThat(w.headers().firstValue("Cache-Status").orElseThrow()).contains("collapsed");
        assertThat(upstream.count(path)).isEqualTo(1);
    }

    @Test
    void aPassedRequestGetsSuchABodyOnlyIfItAcceptedIt() throws Exception {
        upstream.canned("/rate_limit", brotli("/rate_limit"));

        assertBadGateway(proxy.get("/rate_limit", "Accept-Encoding", "identity"), "BYPASS");
        assertBadGateway(proxy.get("/rate_limit"), "BYPASS");
        HttpResponse<byte[]> accepted = proxy.get("/rate_limit", "Accept-Encoding", "br");

        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(accepted.headers().firstValue("Content-Encoding")).contains("br");
        assertThat(body(accepted)).isEqualTo("br-bytes of /rate_limit");
        assertThat(upstream.count("/rate_limit")).isEqualTo(3);
    }

    private static void assertBadGateway(HttpResponse<byte[]> r, String cacheStatus) {
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(body(r)).contains("\"message\"").contains("\"documentation_url\"");
        assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(status(r)).isEqualTo(cacheStatus);
    }
}
