package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.cache.HeaderList;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProxyResponseEncoderTest {

    private static final byte[] BODY = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);

    /** Stored lines as GitHub sends them, with lines the proxy never forwards and a non-ASCII value. */
    private static final String[] STORED_LINES = {
        "Content-Type", "application/json; charset=utf-8",
        "ETag", "W/\"abc\"",
        "Connection", "keep-alive",
        "Content-Length", "999",
        "Transfer-Encoding", "chunked",
        "X-RateLimit-Remaining", "4999",
        "X-Note", "caf\u00e9",
        "Link", "<https://cache.example/x?page=2>; rel=\"next\"",
    };
    private static final String[] OWN_LINES = {"X-Github-Cache-Status", "HIT", "Age", "3"};

    private static final HeaderList STORED = lines(STORED_LINES);
    private static final HeaderList STATUS_LINES = lines(OWN_LINES);

    private static HeaderList lines(String[]... namesAndValues) {
        HeaderList.Builder b = HeaderList.builder(16);
        for (String[] nv : namesAndValues) {
            for (int i = 0; i < nv.length; i += 2) {
                b.add(nv[i], nv[i + 1]);
            }
        }
        return b.build();
    }

    private static byte[] written(EmbeddedChannel channel, Object response) {
        channel.writeOutbound(response);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            out.writeBytes(bytes);
            b.release();
        }
        channel.finishAndReleaseAll();
        return out.toByteArray();
    }

    @Test
    void encodedLinesGoOutByteForByteAsNettyWouldWriteThem() {
        HeaderList all = lines(STORED_LINES, OWN_LINES);
        byte[] plain = written(new EmbeddedChannel(new HttpResponseEncoder()),
                NettyResponses.of(200, all, BODY, null, true));

        byte[] encoded = NettyResponses.encodedLines(STORED);
        byte[] viaBlock = written(new EmbeddedChannel(new ProxyResponseEncoder()),
                NettyResponses.of(200, encoded, STATUS_LINES, BODY, null, true));

        assertThat(new String(viaBlock, StandardCharsets.ISO_8859_1)).isEqualTo(new String(plain, StandardCharsets.ISO_8859_1));
        assertThat(new String(viaBlock, StandardCharsets.ISO_8859_1))
                .contains("ETag: W/\"abc\"\r\n")
                .contains("content-length: " + BODY.length + "\r\n")
                .doesNotContain("chunked").doesNotContain(": 999");
    }

    @Test
    void withoutEncodedLinesItIsNettysEncoder() {
        byte[] plain = written(new EmbeddedChannel(new HttpResponseEncoder()),
                NettyResponses.of(304, STATUS_LINES, new byte[0], null, false));
        byte[] ours = written(new EmbeddedChannel(new ProxyResponseEncoder()),
                NettyResponses.of(304, STATUS_LINES, new byte[0], null, false));

        assertThat(ours).isEqualTo(plain);
    }

    @Test
    void everyResponseCarriesTheOneHeadersClassTheEncoderIsCompiledFor() {
        var withoutBlock = NettyResponses.of(304, STATUS_LINES, new byte[0], null, true);
        var withBlock = NettyResponses.of(200, NettyResponses.encodedLines(STORED), STATUS_LINES, BODY, null, true);

        assertThat(withoutBlock.headers()).isExactlyInstanceOf(BlockHeaders.class);
        assertThat(((BlockHeaders) withoutBlock.headers()).encodedLines()).isEmpty();
        assertThat(withBlock.headers()).isExactlyInstanceOf(BlockHeaders.class);
        withoutBlock.release();
        withBlock.release();
    }

    @Test
    void lookupsOnBlockHeadersSeeOnlyTheirOwnLines() {
        var response = NettyResponses.of(200, NettyResponses.encodedLines(STORED), STATUS_LINES, BODY, null, true);

        // the framing lines the encoder looks up are never in the encoded part
        assertThat(response.headers().get("Content-Length")).isEqualTo(Integer.toString(BODY.length));
        assertThat(response.headers().contains("Transfer-Encoding")).isFalse();
        assertThat(response.headers().get("ETag")).isNull();
        response.release();
    }
}
