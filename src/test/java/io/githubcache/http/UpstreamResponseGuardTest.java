package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The guard in the pipeline Camel builds for upstream connections: Netty's client codec, guard, aggregator. */
class UpstreamResponseGuardTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new HttpClientCodec(), new UpstreamResponseGuard(),
            new HttpObjectAggregator(1 << 20));

    private void send(String path) {
        channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path));
        channel.outboundMessages().clear();
    }

    private void receive(String raw) {
        channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    }

    private static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
                + body;
    }

    private FullHttpResponse next() {
        FullHttpResponse r = channel.readInbound();
        assertThat(r).as("an answer").isNotNull();
        return r;
    }

    @Test
    void interimResponsesAreDroppedSoEachRequestGetsItsOwnAnswer() {
        send("/a");
        receive("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n" + ok("{\"path\":\"/a\"}"));
        FullHttpResponse a = next();
        assertThat(a.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(a.content().toString(StandardCharsets.UTF_8)).isEqualTo("{\"path\":\"/a\"}");
        assertThat((Object) channel.readInbound()).isNull();
        a.release();

        send("/b");
        receive("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n\r\n" + ok("{\"path\":\"/b\"}"));
        FullHttpResponse b = next();
        assertThat(b.content().toString(StandardCharsets.UTF_8)).isEqualTo("{\"path\":\"/b\"}");
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.isOpen()).isTrue();
        b.release();
    }

    /** Netty's codec would take the 103 as the HEAD's answer and then wait for the 200's body: closed at once. */
    @Test
    void anInterimResponseToAHeadClosesTheConnection() {
        channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/rate_limit"));
        channel.outboundMessages().clear();
        receive("HTTP/1.1 103 Early Hints\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");

        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.isOpen()).as("Camel fails the exchange as the channel goes inactive").isFalse();
    }

    @Test
    void aHeadAnsweredWithoutInterimResponseIsUntouched() {
        channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/rate_limit"));
        channel.outboundMessages().clear();
        receive("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");

        FullHttpResponse r = next();
        assertThat(r.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(r.content().readableBytes()).isZero();
        assertThat(channel.isOpen()).isTrue();
        r.release();
        send("/a");
        receive("HTTP/1.1 103 Early Hints\r\n\r\n" + ok("{}"));
        assertThat(next().status()).as("a GET after the HEAD still skips interim responses").isEqualTo(HttpResponseStatus.OK);
    }

    @Test
    void anInterimResponseArrivingInPiecesIsDroppedWhole() {
        send("/a");
        receive("HTTP/1.1 103 Early");
        receive(" Hints\r\nLink: </x>\r\n");
        assertThat((Object) channel.readInbound()).isNull();
        receive("\r\n" + ok("{}"));
        assertThat(next().status()).isEqualTo(HttpResponseStatus.OK);
    }

    @Test
    void switchingProtocolsIsNotInterimAndGoesOn() {
        assertThat(UpstreamResponseGuard.isInterim(HttpResponseStatus.SWITCHING_PROTOCOLS)).isFalse();
        assertThat(UpstreamResponseGuard.isInterim(HttpResponseStatus.CONTINUE)).isTrue();
        assertThat(UpstreamResponseGuard.isInterim(HttpResponseStatus.valueOf(103))).isTrue();
        assertThat(UpstreamResponseGuard.isInterim(HttpResponseStatus.OK)).isFalse();
    }

    @Test
    void aResponseTheDecoderCannotReadGoesOnAndClosesTheConnection() {
        send("/bad");
        receive("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello");
        FullHttpResponse bad = next();
        assertThat(bad.decoderResult().isFailure()).isTrue();
        assertThat(channel.isOpen()).as("closed: the decoder would drop all it reads from now on").isFalse();
        bad.release();
    }

    /** Camel returns the connection to its pool as it takes the answer: by then it must be closed. */
    @Test
    void theConnectionIsClosedBeforeTheFailedAnswerGoesOn() {
        java.util.concurrent.atomic.AtomicReference<Boolean> activeWhenAnswered = new java.util.concurrent.atomic.AtomicReference<>();
        EmbeddedChannel ch = new EmbeddedChannel(new HttpClientCodec(), new UpstreamResponseGuard(),
                new HttpObjectAggregator(1 << 20), new io.netty.channel.ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                        activeWhenAnswered.set(ctx.channel().isActive());
                        io.netty.util.ReferenceCountUtil.release(msg);
                    }
                });
        ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/bad"));
        ch.outboundMessages().clear();
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
                StandardCharsets.ISO_8859_1));

        assertThat(activeWhenAnswered.get()).as("answer seen, on a closed connection").isFalse();
    }

    @Test
    void aBrokenChunkClosesTheConnectionToo() {
        send("/bad");
        receive("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
        FullHttpResponse bad = next();
        assertThat(bad.decoderResult().isFailure()).isTrue();
        assertThat(channel.isOpen()).isFalse();
        bad.release();
    }

    @Test
    void theDecodersPlaceholderForAnAnswerCutByTheConnectionClosingIsDropped() {
        send("/a");
        receive("HTTP/1.1 200 OK\r\nContent-Type: appl");
        channel.close();
        assertThat((Object) channel.readInbound()).as("Camel fails the exchange as the channel goes inactive").isNull();
    }

    @Test
    void aGoodResponseLeavesTheConnectionOpenForTheNextRequest() {
        send("/a");
        receive(ok("{}"));
        next().release();
        send("/b");
        receive(ok("{\"b\":1}"));
        assertThat(next().content().toString(StandardCharsets.UTF_8)).isEqualTo("{\"b\":1}");
        assertThat(channel.isOpen()).isTrue();
    }
}
