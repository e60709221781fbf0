package io.githubcache.http;

import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Header filter for both netty-http endpoints. Camel's default HTTP filter drops end-to-end headers a proxy
 * must keep ({@code Cache-Control}, {@code Date}, {@code Pragma}, {@code Warning}) and forwards hop-by-hop
 * ones it must drop ({@code Keep-Alive}, {@code TE}, {@code Proxy-Authorization}); this one drops exactly
 * the hop-by-hop headers, Camel's internal headers, and the framing headers Netty sets itself.
 */
public final class ProxyHeaderFilterStrategy implements HeaderFilterStrategy {

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return filtered(headerName);
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return filtered(headerName);
    }

    private static final HeaderNameSet FRAMING = HeaderNameSet.of(HeaderNames.CONTENT_LENGTH, HeaderNames.HOST);

    /** Hop-by-hop, Camel-internal, and the framing headers Netty sets itself. */
    static boolean filtered(String name) {
        if (HeaderNames.isHopByHopOrInternal(name)) {
            return true;
        }
        return FRAMING.contains(name);
    }
}
