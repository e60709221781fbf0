package io.githubcache.http;

import java.util.ArrayList;
import java.util.List;

/** Every HTTP header name github-cache reads or writes, in one place. */
public final class HeaderNames {

    public static final String X_GITHUB_CACHE_STATUS = "X-Github-Cache-Status";
    /** RFC 9211 structured cache status. */
    public static final String CACHE_STATUS = "Cache-Status";

    public static final String AUTHORIZATION = "Authorization";
    public static final String ACCEPT = "Accept";
    public static final String ACCEPT_ENCODING = "Accept-Encoding";
    public static final String CONTENT_ENCODING = "Content-Encoding";
    public static final String CONTENT_LENGTH = "Content-Length";
    public static final String CONTENT_TYPE = "Content-Type";
    public static final String CONTENT_LOCATION = "Content-Location";
    public static final String LOCATION = "Location";
    public static final String X_GITHUB_API_VERSION = "X-GitHub-Api-Version";
    public static final String PRAGMA = "Pragma";
    public static final String HOST = "Host";
    public static final String VARY = "Vary";
    public static final String ETAG = "ETag";
    public static final String LAST_MODIFIED = "Last-Modified";
    public static final String DATE = "Date";
    public static final String AGE = "Age";
    public static final String LINK = "Link";
    public static final String USER_AGENT = "User-Agent";
    public static final String RETRY_AFTER = "Retry-After";
    public static final String IF_NONE_MATCH = "If-None-Match";
    public static final String IF_MODIFIED_SINCE = "If-Modified-Since";
    public static final String IF_MATCH = "If-Match";
    public static final String IF_UNMODIFIED_SINCE = "If-Unmodified-Since";
    public static final String IF_RANGE = "If-Range";
    public static final String RANGE = "Range";
    public static final String CONTENT_RANGE = "Content-Range";
    public static final String X_RATELIMIT_LIMIT = "X-RateLimit-Limit";
    public static final String X_RATELIMIT_REMAINING = "X-RateLimit-Remaining";
    public static final String X_RATELIMIT_RESET = "X-RateLimit-Reset";
    public static final String X_RATELIMIT_USED = "X-RateLimit-Used";
    public static final String X_RATELIMIT_RESOURCE = "X-RateLimit-Resource";
    public static final String CONNECTION = "Connection";
    public static final String TRANSFER_ENCODING = "Transfer-Encoding";

    /**
     * Hop-by-hop headers (RFC 9110 section 7.6.1) plus the proxy ones: they describe one connection, so a
     * proxy must never pass them on in either direction.
     */
    public static final HeaderNameSet HOP_BY_HOP = HeaderNameSet.of(
            "connection", "keep-alive", "te", "trailer", "trailers", "transfer-encoding", "upgrade",
            "proxy-connection", "proxy-authorization", "proxy-authenticate", "http2-settings");

    private HeaderNames() {
    }

    /**
     * Header names listed in {@code Connection} (RFC 9110 section 7.6.1): they are hop-by-hop for this
     * message only, and must be dropped with the standard ones.
     */
    public static HeaderNameSet connectionTokens(List<String> connectionValues) {
        if (connectionValues.isEmpty()) {
            return HeaderNameSet.empty();
        }
        List<String> tokens = new ArrayList<>();
        for (String v : connectionValues) {
            for (String t : v.split(",")) {
                String name = t.trim();
                if (!name.isEmpty()) {
                    tokens.add(name);
                }
            }
        }
        return HeaderNameSet.of(tokens);
    }

    /** True for a header that must not cross the proxy: hop-by-hop, any {@code Proxy-*}, or Camel's own. */
    public static boolean isHopByHopOrInternal(String name) {
        if (name.isEmpty()) {
            return false;
        }
        // every name below starts with one of these letters; most response headers (x-, etag, date, vary...) do not,
        // and this runs for every header line of every response
        switch (name.charAt(0)) {
            case 'c', 'C', 'h', 'H', 'k', 'K', 'p', 'P', 't', 'T', 'u', 'U', 'o', 'O' -> {
            }
            default -> {
                return false;
            }
        }
        return HOP_BY_HOP.contains(name) || startsWithIgnoreCase(name, "proxy-") || startsWithIgnoreCase(name, "camel")
                || startsWithIgnoreCase(name, "org.apache.camel.");
    }

    private static boolean startsWithIgnoreCase(String s, String lowerPrefix) {
        return s.regionMatches(true, 0, lowerPrefix, 0, lowerPrefix.length());
    }
}
