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

    /** What reaches camel-netty's handler, last in the pipeline, of the guard's "connection lost" reports. */
    private static final class LostCatcher extends io.netty.channel.ChannelInboundHandlerAdapter {
        final java.util.List<Throwable> caught = new java.util.ArrayList<>();

        @Override
        public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
            caught.add(cause);
        }

        UpstreamConnectionLost onlyLost() {
            assertThat(caught).hasSize(1);
            assertThat(caught.get(0)).isInstanceOf(UpstreamConnectionLost.class);
            return (UpstreamConnectionLost) caught.get(0);
        }
    }

    private final LostCatcher catcher = new LostCatcher();
    /** An upstream connection with what camel-netty's handler would see at its end. */
    private final EmbeddedChannel upstream = new EmbeddedChannel(new HttpClientCodec(), new UpstreamResponseGuard(),
            new HttpObjectAggregator(1 << 20), catcher);

    /** The connection once it has carried an answer: the next request on it is on a reused connection. */
    private EmbeddedChannel answeredOnce() {
        request(upstream, "/a");
        answer(upstream, ok("{}"));
        return upstream;
    }

    private static void request(EmbeddedChannel ch, String path) {
        ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path));
        ch.outboundMessages().clear();
    }

    private static void answer(EmbeddedChannel ch, String raw) {
        ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    }

    @Test
    void aReusedConnectionClosedBeforeAnyByteOfTheAnswerSaysSo() {
        EmbeddedChannel ch = answeredOnce();
        request(ch, "/b");
        ch.close();

        UpstreamConnectionLost lost = catcher.onlyLost();
        assertThat(lost.reused()).isTrue();
        assertThat(lost.answerStarted()).isFalse();
        assertThat(lost.isReset()).isFalse();
    }

    @Test
    void aNewConnectionClosedBeforeTheAnswerIsNotReused() {
        request(upstream, "/a");
        upstream.close();

        assertThat(catcher.onlyLost().reused()).isFalse();
    }

    /** A status line cut short decodes to nothing: the bytes are counted before the decoder. */
    @Test
    void aFewBytesOfTheAnswerCountAsItsStart() {
        EmbeddedChannel ch = answeredOnce();
        request(ch, "/b");
        answer(ch, "HTTP/1.1 2");
        ch.close();

        UpstreamConnectionLost lost = catcher.onlyLost();
        assertThat(lost.reused()).isTrue();
        assertThat(lost.answerStarted()).isTrue();
    }

    @Test
    void aResetWhileARequestWaitsForItsAnswerSaysSo() {
        EmbeddedChannel ch = answeredOnce();
        request(ch, "/b");
        java.io.IOException reset = new java.io.IOException("Connection reset by peer");
        ch.pipeline().fireExceptionCaught(reset);
        ch.close();

        UpstreamConnectionLost lost = catcher.onlyLost();
        assertThat(lost.isReset()).isTrue();
        assertThat(lost.reused()).isTrue();
        assertThat(lost.getCause()).isSameAs(reset);
    }

    /** Nothing waits: camel-netty would set whatever comes on the last exchange, already answered. */
    @Test
    void aCloseOrAResetAfterTheAnswerIsNotReportedAsALostRequest() {
        EmbeddedChannel ch = answeredOnce();
        java.io.IOException reset = new java.io.IOException("Connection reset by peer");
        ch.pipeline().fireExceptionCaught(reset);
        ch.close();

        assertThat(catcher.caught).containsExactly(reset);
    }

    /**
     * camel-netty records the exchange, then writes: a close in between fails the exchange (reported lost), and
     * the write that follows must not fail it a second time.
     */
    @Test
    void aRequestRecordedThenClosedBeforeItsWriteIsReportedOnceAndItsWriteDropped() throws Exception {
        EmbeddedChannel ch = answeredOnce();
        io.netty.channel.ChannelHandlerContext guard = ch.pipeline().context(UpstreamResponseGuard.class);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        UpstreamResponseGuard.requestStarting(ch, done::get);
        ch.close();
        done.set(!catcher.caught.isEmpty()); // as camel-netty's handler does when it fails the exchange
        io.netty.channel.ChannelPromise write = ch.newPromise();
        DefaultFullHttpRequest b = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/b");
        ((UpstreamResponseGuard) guard.handler()).write(guard, b, write);

        assertThat(catcher.onlyLost().reused()).isTrue();
        assertThat(write.isSuccess()).as("no second failure for camel-netty to set on the exchange").isTrue();
        assertThat(b.refCnt()).as("released").isZero();
    }

    /** An exchange already done (answered, failed) gets no report: camel-netty would set it on it all the same. */
    @Test
    void aCloseAfterTheRecordedExchangeIsDoneIsNotReported() {
        EmbeddedChannel ch = answeredOnce();
        UpstreamResponseGuard.requestStarting(ch, () -> true);
        ch.close();

        assertThat(catcher.caught).isEmpty();
    }

    /** The write did not go out: the exchange is failed with a write error that says so, and only once. */
    @Test
    void aWriteThatFailsOnAReusedConnectionSaysSo() {
        EmbeddedChannel ch = answeredOnce();
        ch.pipeline().addFirst(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg,
                    io.netty.channel.ChannelPromise promise) {
                io.netty.util.ReferenceCountUtil.release(msg);
                promise.setFailure(new java.io.IOException("Connection reset by peer"));
            }
        });
        io.netty.channel.ChannelFuture write = ch.writeOneOutbound(
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/b"));
        ch.flushOutbound();
        ch.close();

        assertThat(write.cause()).isInstanceOf(UpstreamConnectionLost.class);
        assertThat(((UpstreamConnectionLost) write.cause()).reused()).isTrue();
        assertThat(catcher.caught).as("the close after it reports nothing more").isEmpty();
    }
}
