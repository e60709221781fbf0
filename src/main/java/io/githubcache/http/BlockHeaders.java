package io.githubcache.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;

/**
 * Response headers whose first lines come already encoded ({@link ProxyResponseEncoder} writes them before
 * the others). Lookups see only the other lines: the encoded ones never include the framing and hop-by-hop
 * headers ({@code Content-Length}, {@code Transfer-Encoding}, {@code Connection}), the only ones Netty's
 * encoder and this proxy look up on a response being sent. The block may be empty ({@link #NO_LINES}): every
 * response this proxy builds uses this class, so the encoder sees one headers class.
 */
public final class BlockHeaders extends DefaultHttpHeaders {

    /** The empty block: headers that are all ordinary lines. */
    static final byte[] NO_LINES = new byte[0];

    private final byte[] encodedLines;

    BlockHeaders(byte[] encodedLines) {
        super(false);
        this.encodedLines = encodedLines;
    }

    /** Callers must not modify the array. */
    byte[] encodedLines() {
        return encodedLines;
    }
}
