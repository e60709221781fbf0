package io.githubcache.http;

import io.githubcache.cache.HeaderList;

/**
 * A response as it goes to the client: final status, header lines (cache status headers included), body, and
 * for {@code HEAD} the length the body would have had (the body itself is then empty). The route leaves it in
 * the exchange property {@link #PROPERTY} for {@link ProxyHttpBinding}; the event loop sends it directly.
 */
public record OutgoingResponse(int status, HeaderList headers, byte[] body, Integer headContentLength) {

    public static final String PROPERTY = "githubCache.outgoing";
}
