package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PacedBodyTest {

    @Test
    void onlyBodiesAboveAQuarterMegabyteArePaced() {
        assertThat(PacedBody.large(response(PacedBody.LARGE))).isFalse();
        assertThat(PacedBody.large(response(PacedBody.LARGE + 1))).isTrue();
    }

    @Test
    void largeBodyLeavesAsItsHeadThenPiecesOfAtMostSixtyFourKilobytesAndIsReleasedAtTheEnd() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        FullHttpResponse response = response(1_000_000);
        byte[] expected = new byte[1_000_000];
        response.content().getBytes(0, expected);
        ChannelHandlerContext ctx = channel.pipeline().firstContext();

        PacedBody body = new PacedBody(response, channel.newPromise());
        // the embedded channel's "socket" takes every flush at once: the body goes out in one call
        boolean done = body.start(ctx);

        assertThat(done).isTrue();
        Object head = channel.readOutbound();
        assertThat(head).isInstanceOf(HttpResponse.class).isNotInstanceOf(HttpContent.class);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int pieces = 0;
        Object msg;
        Object last = null;
        while ((msg = channel.readOutbound()) != null) {
            ByteBuf piece = ((HttpContent) msg).content();
            assertThat(piece.readableBytes()).isLessThanOrEqualTo(PacedBody.PIECE);
            byte[] bytes = new byte[piece.readableBytes()];
            piece.readBytes(bytes);
            received.write(bytes);
            ((HttpContent) msg).release();
            pieces++;
            last = msg;
        }
        assertThat(last).isInstanceOf(LastHttpContent.class);
        assertThat(pieces).isEqualTo((1_000_000 + PacedBody.PIECE - 1) / PacedBody.PIECE);
        assertThat(received.toByteArray()).isEqualTo(expected);
        assertThat(response.refCnt()).as("released once every piece was").isZero();
        channel.finishAndReleaseAll();
    }

    private static FullHttpResponse response(int size) {
        byte[] body = new byte[size];
        new Random(7).nextBytes(body);
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
    }
}
