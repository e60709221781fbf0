package io.githubcache.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Stands for a request whose request line could not be read, so that the access log writes what arrived (the
 * line as split, or {@code -}) instead of the method, target and version Netty puts into its placeholder
 * ({@code GET /bad-request HTTP/1.0}), which no client sent. Its own method, target and version are never
 * logged.
 */
public final class UnreadRequest extends DefaultFullHttpRequest {

    private final String line;

    /** @param line the request line as received, or null when not even that could be read */
    public UnreadRequest(String line) {
        super(HttpVersion.HTTP_1_1, HttpMethod.valueOf("-"), "-", Unpooled.EMPTY_BUFFER);
        this.line = line;
    }

    /** The request line as received, or null. */
    public String line() {
        return line;
    }
}
