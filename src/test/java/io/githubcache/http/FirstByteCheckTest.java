package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FirstByteCheckTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new FirstByteCheck());

    @Test
    void aTlsHandshakeIsRefusedAtOnceAndTheConnectionClosed() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}));

        assertThat((Object) channel.readInbound()).isNull();
        FullHttpResponse response = channel.readOutbound();
        assertThat(response.status().code()).isEqualTo(400);
        assertThat(response.content().toString(StandardCharsets.UTF_8)).contains("TLS");
        assertThat(response.headers().get(HeaderNames.X_GITHUB_CACHE_STATUS)).isNotNull();
        assertThat(channel.isOpen()).isFalse();
        response.release();
    }

    @Test
    void bytesAfterARefusalAreDroppedWithoutASecondAnswer() {
        EmbeddedChannel open = new EmbeddedChannel(new FirstByteCheck(),
                new io.netty.channel.ChannelOutboundHandlerAdapter() {
                    @Override
                    public void close(io.netty.channel.ChannelHandlerContext ctx, io.netty.channel.ChannelPromise p) {
                        p.setSuccess(); // keep the channel open, as while a close is still under way
                    }
                });
        open.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03}));
        ByteBuf more = Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01});
        open.writeInbound(more);

        assertThat(more.refCnt()).isZero();
        assertThat(open.outboundMessages()).hasSize(1);
        open.finishAndReleaseAll();
    }

    @Test
    void binaryThatCannotStartAMethodIsRefused() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, 0x00, 'G'}));

        FullHttpResponse response = channel.readOutbound();
        assertThat(response.status().code()).isEqualTo(400);
        response.release();
    }

    @Test
    void aRequestLineGoesOnAndTheCheckRemovesItself() {
        ByteBuf request = Unpooled.copiedBuffer("\r\nGET / HTTP/1.1\r\n", StandardCharsets.ISO_8859_1);
        channel.writeInbound(request);

        ByteBuf passed = channel.readInbound();
        assertThat(passed).isSameAs(request);
        assertThat(channel.pipeline().get(FirstByteCheck.class)).isNull();
        assertThat((Object) channel.readOutbound()).isNull();
        passed.release();
    }

    @Test
    void blanksBeforeTheMethodAreSkippedAsNettysDecoderSkipsThem() {
        ByteBuf request = Unpooled.copiedBuffer(" \tGET / HTTP/1.1\r\n", StandardCharsets.ISO_8859_1);
        channel.writeInbound(request);

        assertThat((Object) channel.readInbound()).isSameAs(request);
        assertThat((Object) channel.readOutbound()).isNull();
        request.release();
    }

    @Test
    void emptyLinesAloneWaitForMore() {
        channel.writeInbound(Unpooled.copiedBuffer("\r\n", StandardCharsets.ISO_8859_1));
        ((ByteBuf) channel.readInbound()).release();

        assertThat(channel.pipeline().get(FirstByteCheck.class)).isNotNull();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16}));
        FullHttpResponse response = channel.readOutbound();
        assertThat(response.status().code()).isEqualTo(400);
        response.release();
    }

    @Test
    void tokenCharactersAreRfc9110s() {
        for (char c : "GETpost09!#$%&'*+-.^_`|~".toCharArray()) {
            assertThat(FirstByteCheck.isTokenChar((byte) c)).as("%s", c).isTrue();
        }
        for (byte b : new byte[] {0x16, 0x00, ' ', '(', '/', '"', (byte) 0x80, (byte) 0xff}) {
            assertThat(FirstByteCheck.isTokenChar(b)).as("%s", b).isFalse();
        }
    }
}
