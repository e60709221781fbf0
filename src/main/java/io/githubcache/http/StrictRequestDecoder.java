package io.githubcache.http;

import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder, except that a request with both {@code Transfer-Encoding: chunked} and
 * {@code Content-Length} keeps both headers instead of silently dropping {@code Content-Length}, so that
 * {@link RequestGuard} can refuse it: such a request is a request-smuggling attempt (RFC 9112 section 6.1),
 * and a proxy that "repairs" it may disagree with another hop about where the request ends.
 */
public final class StrictRequestDecoder extends HttpRequestDecoder {

    public StrictRequestDecoder(int maxInitialLineLength, int maxHeaderSize, int maxChunkSize) {
        super(maxInitialLineLength, maxHeaderSize, maxChunkSize);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        // keep both headers: RequestGuard refuses the request
    }
}
