package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AttributeKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestGuardTest {

    private static final int MAX_URI = 100;
    private static final long MAX_BODY = 1000;

    private final RequestGuard guard = new RequestGuard(MAX_URI, MAX_BODY);

    private static HttpRequest request(String method, String uri) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), uri);
        r.headers().set("Host", "cache.internal:8080");
        return r;
    }

    private static HttpRequest get(String uri) {
        return request("GET", uri);
    }

    @Test
    void perConnectionStateExistsBeforeTheFirstRequest() {
        EmbeddedChannel channel = new EmbeddedChannel(guard);

        // created by channelActive, so the per-request path never takes the "first time" branch
        assertThat(channel.hasAttr(AttributeKey.valueOf("githubCache.rejected"))).isTrue();
        assertThat(channel.inboundMessages()).isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void aRejectionIsWrittenWithTheHeadersClassOfEveryOtherResponse() {
        EmbeddedChannel channel = new EmbeddedChannel(guard);

        channel.writeInbound(request("TRACE", "/repos/o/r"));

        FullHttpResponse response = channel.readOutbound();
        assertThat(response.status().code()).isEqualTo(405);
        assertThat(response.headers()).isExactlyInstanceOf(BlockHeaders.class);
        assertThat(response.headers().get(HeaderNames.X_GITHUB_CACHE_STATUS)).isNotNull();
        assertThat(response.headers().get("Connection")).isEqualTo("close");
        response.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void aRejectionIsCountedWithItsStatus() {
        java.util.List<Integer> refused = new java.util.ArrayList<>();
        RequestGuard counting = new RequestGuard(MAX_URI, MAX_BODY).withEvents(new io.githubcache.route.CacheEvents() {
            @Override
            public void refused(int clientStatus) {
                refused.add(clientStatus);
            }
        });
        EmbeddedChannel channel = new EmbeddedChannel(counting);

        channel.writeInbound(request("TRACE", "/repos/o/r"));

        assertThat(refused).containsExactly(405);
        channel.finishAndReleaseAll();
    }

    @Test
    void withAHandlerAfterTheAggregatorARefusalGoesToItInOrderInsteadOfBeingWrittenAtOnce() throws Exception {
        RequestGuard ordered = new RequestGuard(MAX_URI, MAX_BODY)
                .withHandlerAfterAggregator("ordered", io.netty.channel.ChannelInboundHandlerAdapter::new);
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        channel.pipeline().addLast("guard", ordered)
                .addLast(RequestGuard.CAMEL_AGGREGATOR, new io.netty.handler.codec.http.HttpObjectAggregator(1000));
        channel.register();
        HttpRequest bad = request("TRACE", "/repos/o/r");

        channel.writeInbound(bad);
        channel.writeInbound(get("/repos/o/after"));

        Object refusal = channel.readInbound();
        assertThat(refusal).isInstanceOf(RequestGuard.Refusal.class);
        assertThat(((RequestGuard.Refusal) refusal).request()).isSameAs(bad);
        assertThat(((RequestGuard.Refusal) refusal).error().status()).isEqualTo(405);
        assertThat((Object) channel.readOutbound()).as("written by the handler, in its turn").isNull();
        assertThat((Object) channel.readInbound()).as("nothing after a refusal goes on").isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void aClientGoneInTheMiddleOfABodyEndsQuietlyAtTheAggregator() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        channel.pipeline().addLast("guard", guard)
                .addLast(RequestGuard.CAMEL_AGGREGATOR, new io.netty.handler.codec.http.HttpObjectAggregator(1000));
        channel.register();
        assertThat(channel.pipeline().get(RequestGuard.AbortedBody.NAME)).isNotNull();
        HttpRequest post = request("POST", "/repos/o/r/issues");
        post.headers().set("Content-Length", "100");
        channel.writeInbound(post);
        channel.writeInbound(new io.netty.handler.codec.http.DefaultHttpContent(
                io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {'a', 'b', 'c'})));

        channel.close();

        // the aggregator's PrematureChannelClosureException stops here: it never reaches Camel's handler
        channel.checkException();
        assertThat((Object) channel.readInbound()).isNull();
        assertThat((Object) channel.readOutbound()).as("nobody to answer").isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void aBrokenChunkOfTheRequestBodyIsAJson400NamingTheRequest() {
        EmbeddedChannel channel = new EmbeddedChannel(guard);
        HttpRequest post = request("POST", "/repos/o/r/issues");
        post.headers().set("Transfer-Encoding", "chunked");
        channel.writeInbound(post);
        assertThat((Object) channel.readInbound()).isSameAs(post);

        io.netty.handler.codec.http.HttpContent broken = new io.netty.handler.codec.http.DefaultHttpContent(
                io.netty.buffer.Unpooled.EMPTY_BUFFER);
        broken.setDecoderResult(io.netty.handler.codec.DecoderResult.failure(new NumberFormatException("zz")));
        channel.writeInbound(broken);

        assertThat((Object) channel.readInbound()).as("not passed on to Camel").isNull();
        FullHttpResponse response = channel.readOutbound();
        assertThat(response.status().code()).isEqualTo(400);
        assertThat(response.headers().get("Content-Type")).startsWith("application/json");
        assertThat(response.headers().get(HeaderNames.X_GITHUB_CACHE_STATUS)).isNotNull();
        assertThat(response.content().toString(java.nio.charset.StandardCharsets.UTF_8)).contains("chunked");
        assertThat(channel.isOpen()).isFalse();
        response.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void anExpectationOtherThan100ContinueIs417() {
        HttpRequest r = request("POST", "/repos/o/r/issues");
        r.headers().set("Content-Length", "5").set("Expect", "999-foo");

        ProxyError e = guard.check(r);

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(417);
        r.headers().set("Expect", "100-Continue");
        assertThat(guard.check(r)).isNull();
    }

    @Test
    void anHttpVersionOtherThan1IsRefusedWith505() {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.valueOf("HTTP/2.0"), HttpMethod.GET, "/repos/o/r");
        r.headers().set("Host", "cache.internal");

        ProxyError e = guard.check(r);

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(505);
        assertThat(guard.check(get("/repos/o/r"))).isNull();
    }

    @Test
    void normalGetPasses() {
        HttpRequest r = get("/repos/o/r?per_page=100");
        r.headers().set("Authorization", "Bearer x").set("Accept", "application/vnd.github+json");

        assertThat(guard.check(r)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
    void supportedMethodsPass(String method) {
        assertThat(guard.check(request(method, "/repos/o/r"))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"CONNECT", "TRACE"})
    void connectAndTraceAre405(String method) {
        ProxyError e = guard.check(request(method, "/repos/o/r"));

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(405);
        assertThat(e.message()).contains(method);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PROPFIND", "FOO", "get"})
    void unknownMethodsAre405(String method) {
        ProxyError e = guard.check(request(method, "/repos/o/r"));

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(405);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://evil.example/x", "https://api.github.com/user", "*", "repos/o/r", ""})
    void nonOriginFormTargetsAre400(String uri) {
        ProxyError e = guard.check(get(uri));

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.message()).contains("request target must be a path");
    }

    @Test
    void doubleSlashTargetIs400() {
        ProxyError e = guard.check(get("//x"));

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(guard.check(get("//evil.example/x")).status()).isEqualTo(400);
    }

    @Test
    void malformedTargetIs400WithTheReason() {
        ProxyError e = guard.check(get("/a%zz"));

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.message()).isEqualTo("Bad Request: invalid percent-encoding in the request target");
        assertThat(guard.check(get("/a#b")).status()).isEqualTo(400);
        assertThat(guard.check(get("/a\\b")).status()).isEqualTo(400);
    }

    @Test
    void targetOverMaxUriLengthIs414() {
        String longest = "/" + "a".repeat(MAX_URI - 1);

        assertThat(guard.check(get(longest))).isNull();
        ProxyError e = guard.check(get(longest + "a"));
        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(414);
    }

    @Test
    void missingHostOnHttp11Is400() {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x");

        ProxyError e = guard.check(r);

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.message()).contains("Host");
    }

    @Test
    void missingHostOnHttp10Passes() {
        assertThat(guard.check(new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/x"))).isNull();
    }

    @Test
    void twoHostHeadersAre400() {
        HttpRequest r = get("/x");
        r.headers().add("Host", "other.example");

        ProxyError e = guard.check(r);

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.message()).contains("more than one Host");
    }

    @Test
    void contentLengthAndTransferEncodingTogetherAre400() {
        HttpRequest r = request("POST", "/repos/o/r/issues");
        r.headers().set("Content-Length", "5").set("Transfer-Encoding", "chunked");

        ProxyError e = guard.check(r);

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.message()).contains("Content-Length").contains("Transfer-Encoding");
    }

    @Test
    void chunkedTransferEncodingPasses() {
        HttpRequest r = request("POST", "/repos/o/r/issues");
        r.headers().set("Transfer-Encoding", "chunked");

        assertThat(guard.check(r)).isNull();
        r.headers().set("Transfer-Encoding", "Chunked");
        assertThat(guard.check(r)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "gzip, chunked", "chunked, chunked", "identity"})
    void otherTransferEncodingsAre501(String te) {
        HttpRequest r = request("POST", "/repos/o/r/issues");
        r.headers().set("Transfer-Encoding", te);

        ProxyError e = guard.check(r);

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(501);
    }

    @Test
    void transferEncodingOnTwoLinesIs501() {
        HttpRequest r = request("POST", "/repos/o/r/issues");
        r.headers().add("Transfer-Encoding", "gzip").add("Transfer-Encoding", "chunked");

        ProxyError e = guard.check(r);

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(501);
    }

    @Test
    void contentLengthAtLimitPasses() {
        HttpRequest r = request("POST", "/repos/o/r/issues");
        r.headers().set("Content-Length", String.valueOf(MAX_BODY));

        assertThat(guard.check(r)).isNull();
    }

    @Test
    void contentLengthOverLimitIs413() {
        HttpRequest r = request("POST", "/repos/o/r/issues");
        r.headers().set("Content-Length", String.valueOf(MAX_BODY + 1));

        ProxyError e = guard.check(r);

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(413);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "1.5", "0x10", "", "99999999999999999999999"})
    void badContentLengthIs400(String cl) {
        HttpRequest r = request("POST", "/repos/o/r/issues");
        r.headers().set("Content-Length", cl);

        ProxyError e = guard.check(r);

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.message()).contains("Content-Length");
    }

    @Test
    void tooLongLineIs414() {
        HttpRequest r = get("/x");
        r.setDecoderResult(DecoderResult.failure(new TooLongHttpLineException("x")));

        ProxyError e = guard.check(r);

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(414);
    }

    @Test
    void tooLongHeaderIs431() {
        HttpRequest r = get("/x");
        r.setDecoderResult(DecoderResult.failure(new TooLongHttpHeaderException("x")));

        ProxyError e = guard.check(r);

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(431);
    }

    @Test
    void otherDecoderFailureIs400() {
        HttpRequest r = get("/x");
        r.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("secret detail")));

        ProxyError e = guard.check(r);

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.message()).doesNotContain("secret detail");
    }

    @Test
    void decoderFailureWinsOverEverythingElse() {
        HttpRequest r = request("CONNECT", "http://evil.example:443");
        r.setDecoderResult(DecoderResult.failure(new TooLongHttpHeaderException("x")));

        assertThat(guard.check(r).status()).isEqualTo(431);
    }

    @Test
    void decoderSuccessIsNotAFailure() {
        HttpRequest r = get("/x");
        r.setDecoderResult(DecoderResult.SUCCESS);

        assertThat(guard.check(r)).isNull();
    }
}
