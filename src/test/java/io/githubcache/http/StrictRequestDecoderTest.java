package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StrictRequestDecoderTest {

    private static final String CHUNKED_HEAD =
            "POST /bad/c14 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";

    private final EmbeddedChannel channel = new EmbeddedChannel(new StrictRequestDecoder(8256, 16 * 1024, 8192));

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private List<Object> feed(String latin1) {
        channel.writeInbound(Unpooled.copiedBuffer(latin1, StandardCharsets.ISO_8859_1));
        List<Object> out = new ArrayList<>();
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            out.add(msg);
        }
        return out;
    }

    /** Before: nothing came out, and the connection waited for the idle timeout. */
    @Test
    void aChunkSizeLineWithBinaryJunkAndNoLineEndFailsTheBodyAtOnce() {
        List<Object> head = feed(CHUNKED_HEAD + "abc");
        assertThat(head).hasSize(1).first().isInstanceOf(HttpRequest.class);

        List<Object> junk = feed("\u0000\u00ff".repeat(1000));

        assertThat(junk).hasSize(1);
        assertThat(junk.get(0)).isInstanceOf(LastHttpContent.class);
        assertThat(((LastHttpContent) junk.get(0)).decoderResult().isFailure()).isTrue();
        assertThat(feed("GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n")).as("nothing more is decoded").isEmpty();
    }

    @Test
    void aChunkedBodyArrivingByteByByteWithExtensionsBinaryDataAndTrailersIsDecoded() throws Exception {
        byte[] data = new byte[300];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i % 2 == 0 ? 0 : 0xff); // NUL and 0xFF bytes inside a chunk are data
        }
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write(CHUNKED_HEAD.getBytes(StandardCharsets.ISO_8859_1));
        wire.write("12c ; name=\"v\u00ff\"\r\n".getBytes(StandardCharsets.ISO_8859_1));
        wire.write(data);
        wire.write("\r\n0\r\nX-Trailer: t\u00e9\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));

        List<Object> out = new ArrayList<>();
        for (byte b : wire.toByteArray()) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            Object msg;
            while ((msg = channel.readInbound()) != null) {
                out.add(msg);
            }
        }

        ByteBuf body = Unpooled.buffer();
        LastHttpContent last = null;
        List<HttpRequest> requests = new ArrayList<>();
        for (Object msg : out) {
            assertThat(msg instanceof HttpRequest r ? r.decoderResult().isSuccess()
                    : ((HttpContent) msg).decoderResult().isSuccess()).as("%s", msg).isTrue();
            if (msg instanceof HttpRequest r) {
                requests.add(r);
            }
            if (msg instanceof HttpContent c) {
                body.writeBytes(c.content());
                if (msg instanceof LastHttpContent l && last == null) {
                    last = l;
                }
            }
        }
        assertThat(requests).extracting(HttpRequest::uri).containsExactly("/bad/c14", "/next");
        byte[] received = new byte[body.readableBytes()];
        body.readBytes(received);
        assertThat(received).isEqualTo(data);
        assertThat(last).isNotNull();
        assertThat(last.trailingHeaders().get("X-Trailer")).isEqualTo("t\u00e9");
        body.release();
        out.forEach(ReferenceCountUtil::release);
    }

    @Test
    void bothContentLengthAndChunkedKeepBothHeaders() {
        List<Object> out =
                feed("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n");

        HttpRequest request = (HttpRequest) out.get(0);
        assertThat(request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)).isTrue();
        assertThat(request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)).isTrue();
        out.forEach(ReferenceCountUtil::release);
    }

    @Test
    void headTimesOutOnlyWhenItHasTakenLongerThanTheTimeout() {
        long timeout = 4_000_000_000L;
        assertThat(StrictRequestDecoder.headTimedOut(10_000_000_000L, 7_000_000_000L, timeout)).isFalse();
        assertThat(StrictRequestDecoder.headTimedOut(11_000_000_000L, 7_000_000_000L, timeout)).isFalse();
        assertThat(StrictRequestDecoder.headTimedOut(11_000_000_001L, 7_000_000_000L, timeout)).isTrue();
        // nanoTime may be negative: only differences count
        assertThat(StrictRequestDecoder.headTimedOut(-1_000_000_000L, -6_000_000_000L, timeout)).isTrue();
    }

    @Test
    void requestsSplitAcrossReadsPassWithAHeadTimeout() {
        EmbeddedChannel timed = new EmbeddedChannel(new StrictRequestDecoder(8256, 16 * 1024, 8192, 60_000));
        try {
            timed.writeInbound(Unpooled.copiedBuffer("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HT",
                    StandardCharsets.ISO_8859_1));
            timed.writeInbound(Unpooled.copiedBuffer("TP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.ISO_8859_1));
            List<String> uris = new ArrayList<>();
            for (Object msg; (msg = timed.readInbound()) != null; ) {
                if (msg instanceof HttpRequest r) {
                    uris.add(r.uri());
                }
                ReferenceCountUtil.release(msg);
            }
            assertThat(uris).containsExactly("/a", "/b");
            assertThat(timed.isOpen()).isTrue();
        } finally {
            timed.finishAndReleaseAll();
        }
    }
}
