package io.githubcache.http;

import io.githubcache.cache.HeaderList;

/**
 * A response as it goes to the client: final status, header lines (cache status headers included), body, and
 * for {@code HEAD} the length the body would have had (the body itself is then empty). The route leaves it in
 * the exchange property {@link #PROPERTY} for {@link ProxyHttpBinding}; the event loop sends it directly, and
 * only there {@code encodedLines} may hold the stored lines already encoded ({@link HeaderBlocks}), sent before
 * {@code headers}.
 */
public record OutgoingResponse(int status, HeaderList headers, byte[] body, Integer headContentLength,
        byte[] encodedLines) {

    public static final String PROPERTY = "githubCache.outgoing";

    public OutgoingResponse(int status, HeaderList headers, byte[] body, Integer headContentLength) {
        this(status, headers, body, headContentLength, null);
    }
}
