package io.githubcache.http;

import io.githubcache.cache.HeaderList;

/**
 * The request as it goes to the upstream: method, header lines (end-to-end ones, validators included) and
 * body. {@code PrepareUpstreamRequest} leaves it in the exchange property {@link #PROPERTY} for
 * {@link ProxyHttpBinding#toNettyRequest}, which builds the Netty request from it directly: Camel's binding
 * would have read them back from Camel headers, converting and filtering every value and parsing the URL
 * twice with {@link java.net.URI}.
 */
public record OutgoingRequest(String method, HeaderList headers, byte[] body) {

    public static final String PROPERTY = "githubCache.outgoingRequest";
}
