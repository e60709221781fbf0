package io.githubcache.http;

import io.githubcache.cache.HeaderList;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The Netty response for an answer of this proxy, built straight from its header lines: one place for the
 * framing headers, so a response looks the same whether the route or the event loop ({@code FreshHitHandler})
 * sends it, and no detour through Camel headers (a map, a type conversion and a filter call per line).
 *
 * <p>Header lines are not validated again here: they come from Netty's decoder (upstream responses), from
 * this proxy's own constants, or from stored entries, whose decoder rejects control characters
 * ({@code EntryCodec}).
 */
public final class NettyResponses {

    private NettyResponses() {
    }

    /**
     * @param headContentLength for {@code HEAD}: the length the body would have had (the body is empty)
     */
    public static FullHttpResponse of(int status, HeaderList lines, byte[] body, Integer headContentLength,
            boolean keepAlive) {
        return of(status, null, lines, body, headContentLength, keepAlive);
    }

    /**
     * @param encodedLines lines sent first, already encoded ({@link #encodedLines}); null for none. Other than
     *                     none, only for a pipeline whose encoder is the {@link ProxyResponseEncoder}.
     */
    public static FullHttpResponse of(int status, byte[] encodedLines, HeaderList lines, byte[] body,
            Integer headContentLength, boolean keepAlive) {
        // always BlockHeaders, an empty block for none (RequestGuard's rejections too): the responses this proxy
        // builds reach Netty's encoder with one headers class, so the JIT does not discard the compiled hit path
        // when the first answer of another kind (a 304, a revalidated entry) goes out (class-check traps, see
        // BENCHMARKS.md "What bounds the hit p99"). Netty's and Camel's own answers (100 Continue, 413, 400,
        // 503 while suspended) still bring DefaultHttpHeaders.
        HttpHeaders headers = new BlockHeaders(encodedLines == null ? BlockHeaders.NO_LINES : encodedLines);
        addLines(headers, lines);
        headers.set(HttpHeaderNames.CONTENT_LENGTH, headContentLength != null ? headContentLength : body.length);
        headers.set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body), headers, EmptyHttpHeaders.INSTANCE);
    }

    /** These lines as {@link #of} would send them, encoded: for {@link HeaderBlocks}. */
    static byte[] encodedLines(HeaderList lines) {
        HttpHeaders headers = new BlockHeaders(BlockHeaders.NO_LINES);
        addLines(headers, lines);
        return ProxyResponseEncoder.encode(headers);
    }

    private static void addLines(HttpHeaders headers, HeaderList lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (!ProxyHeaderFilterStrategy.filtered(lines.name(i))) {
                headers.add(lines.name(i), lines.value(i));
            }
        }
    }
}
