package io.githubcache.cache;

import io.githubcache.http.HeaderNames;

/** Builds the {@link CacheKey} of a request; GET and HEAD of one target get the same key. */
public final class CacheKeyGenerator {

    public CacheKey keyFor(String upstream, String rawTarget, HeaderList requestHeaders) {
        return new CacheKey(upstream, partition(requestHeaders), normalise(requestHeaders.joined(HeaderNames.ACCEPT)),
                normalise(requestHeaders.joined(HeaderNames.X_GITHUB_API_VERSION)), rawTarget);
    }

    /** The token partition: a SHA-256 of the whole {@code Authorization} value, or {@code anonymous}. */
    public static String partition(HeaderList requestHeaders) {
        String auth = requestHeaders.joined(HeaderNames.AUTHORIZATION);
        return auth == null ? CacheKey.ANONYMOUS : Hashing.sha256Hex(auth);
    }

    /** A short token fingerprint for logs and metrics: enough to tell tokens apart, useless to an attacker. */
    public static String fingerprint(String partition) {
        return CacheKey.ANONYMOUS.equals(partition) ? "-" : partition.substring(0, 12);
    }

    /**
     * Collapses whitespace in a header's lines, joined ({@link HeaderList#joined}; null for none), as RFC 9111
     * section 4.1 allows when comparing.
     */
    static String normalise(String joined) {
        if (joined == null) {
            return "";
        }
        if (isNormal(joined)) {
            return joined;
        }
        return joined.trim().replaceAll("\\s*,\\s*", ", ").replaceAll("\\s+", " ");
    }

    /** The common case (one value, single spaces, ", " separators) needs no regex on the hot path. */
    private static boolean isNormal(String s) {
        if (s.isEmpty()) {
            return true;
        }
        if (Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\t' || c == '\r' || c == '\n') {
                return false;
            }
            if (c == ' ' && s.charAt(i + 1) == ' ') {
                return false;
            }
            if (c == ',' && (i == s.length() - 1 || s.charAt(i + 1) != ' ' || (i > 0 && s.charAt(i - 1) == ' '))) {
                return false;
            }
        }
        return true;
    }
}
