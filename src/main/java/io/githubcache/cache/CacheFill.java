package io.githubcache.cache;

import io.githubcache.http.HeaderNameSet;
import io.githubcache.http.HeaderNames;

/**
 * What a cache fill asks the upstream, and which answers can be one. A fill is any GET or HEAD that goes
 * through the cache ({@link RequestCachePolicy.Decision#LOOKUP} or {@code BYPASS_AND_STORE}): its answer may be
 * stored, and a lookup's is handed to every request that waited for it. So it asks for the complete resource,
 * whoever triggered it: without the client's own preconditions (the proxy answers those from what it gets, see
 * {@link ClientConditionals}), without {@code Range} or {@code If-Range} (a 206 of one client's range stored or
 * handed to a waiter without a range is a wrong body), and in gzip (see {@link ContentCoding}), so it accepts an
 * answer only in gzip or identity. The client that asked for a range gets the complete 200, as RFC 9110 section
 * 14.2 allows a server to (nginx's {@code proxy_cache} also fetches the whole resource).
 *
 * <p>Requests the cache passes ({@code /rate_limit}, writes) are neither stored nor shared with another
 * request, so they keep {@code Range} and get the upstream's 206 alone.
 */
public final class CacheFill {

    /** Request header lines a fill never forwards; the fill adds its own {@code Accept-Encoding} and validators. */
    private static final HeaderNameSet NOT_FORWARDED = HeaderNameSet.of(
            HeaderNames.IF_NONE_MATCH, HeaderNames.IF_MODIFIED_SINCE, HeaderNames.IF_MATCH,
            HeaderNames.IF_UNMODIFIED_SINCE, HeaderNames.IF_RANGE, HeaderNames.RANGE, HeaderNames.ACCEPT_ENCODING);

    private CacheFill() {
    }

    /** Whether a fill forwards this request header line of the client's. */
    public static boolean forwards(String requestHeaderName) {
        return !NOT_FORWARDED.contains(requestHeaderName);
    }

    /**
     * Whether an upstream answer can answer a fill; one that cannot is an invalid response (the expired entry
     * is served, else 502), never stored or handed to a waiter. A 206 cannot: the fill asked for no range. Nor
     * can a body in a coding other than the gzip the fill asked for or identity (GitHub answering {@code br}):
     * the proxy cannot decode it, and neither the requests waiting for the fill nor the next ones served from
     * the cache are known to accept it, whatever the request that led the fill accepts. A 304 has no body, and
     * its {@code Content-Encoding} (if any) never replaces the stored one.
     */
    public static boolean isAnswer(int status, HeaderList responseHeaders) {
        return status != 206
                && (status == 304 || ContentCoding.isServable(ContentCoding.codingOf(responseHeaders)));
    }
}
